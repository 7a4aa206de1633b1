// The page's way into the room, whichever carries it: the `room` data channel while the video
// plays over WebRTC (one connection for both), the WebSocket otherwise. Same interface as
// RoomSocket (open, send, close); the handlers see one stream of room messages.
import { RoomChannel } from './room_channel.js';
import { RoomSocket } from './room_socket.js';

export class RoomLink {
  // handlers: onMessage(message), onOpen() (on every transport: the place to say hello),
  // onClose() (the WebSocket dropped and is reconnecting)
  constructor(name, handlers) {
    this.name = name;
    this.handlers = handlers;
    this.socket = null;
    this.channel = null;
  }

  get open() { return Boolean(this.channel?.open || this.socket?.open); }

  send(message) {
    if (this.channel?.open) return this.channel.send(message);
    return this.socket?.send(message) ?? false;
  }

  // The WebSocket, reconnecting by itself until the page leaves it for a data channel.
  useSocket() {
    this.dropChannel();
    if (this.socket) return;
    this.socket = new RoomSocket(this.name, this.handlers);
    this.socket.connect();
  }

  // A WebRTC session's `room` channel, not open yet: the WebSocket, if any, stays until it
  // opens, so nothing is missed; when it closes, the room goes back to the WebSocket.
  useChannel(dataChannel) {
    this.dropChannel();
    const channel = new RoomChannel(dataChannel, {
      onOpen: () => {
        this.socket?.close();
        this.socket = null;
        this.handlers.onOpen?.();
      },
      onMessage: (message) => this.handlers.onMessage?.(message),
      onClose: () => { if (this.channel === channel) this.useSocket(); },
    });
    this.channel = channel;
  }

  close() {
    this.dropChannel();
    this.socket?.close();
    this.socket = null;
  }

  dropChannel() {
    this.channel?.close();
    this.channel = null;
  }
}
