// The room of a stream over the `room` data channel of a WebRTC session: the WebSocket's JSON
// messages both ways (DESIGN.md), behind RoomSocket's interface. It never reconnects: the
// channel lives and dies with its WHEP session.
export class RoomChannel {
  // handlers: onMessage(message), onOpen(), onClose()
  constructor(channel, handlers) {
    this.channel = channel;
    this.handlers = handlers;
    this.closed = false;
    channel.addEventListener('open', () => { if (!this.closed) this.handlers.onOpen?.(); });
    channel.addEventListener('message', (event) => {
      if (this.closed || typeof event.data !== 'string') return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;  // the server sends JSON only; anything else is not for us
      }
      this.handlers.onMessage?.(message);
    });
    channel.addEventListener('close', () => {
      if (this.closed) return;
      this.closed = true;
      this.handlers.onClose?.();
    });
  }

  get open() { return !this.closed && this.channel.readyState === 'open'; }

  // False when the channel is not open (the caller says so to the user).
  send(message) {
    if (!this.open) return false;
    this.channel.send(JSON.stringify(message));
    return true;
  }

  // Stops listening; the channel itself closes with its session.
  close() { this.closed = true; }
}
