// The room of a stream over its WebSocket (/live/<name>/ws): JSON messages both ways, and a
// reconnection with a growing delay (1 s up to 10 s) whenever the connection drops.
const MIN_DELAY_MS = 1000;
const MAX_DELAY_MS = 10000;

export class RoomSocket {
  // handlers: onMessage(message), onOpen(), onClose()
  constructor(name, handlers) {
    this.name = name;
    this.handlers = handlers;
    this.delayMs = MIN_DELAY_MS;
    this.stopped = false;
    this.socket = null;
    this.timer = null;
  }

  get url() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}/live/${encodeURIComponent(this.name)}/ws`;
  }

  get open() { return this.socket?.readyState === WebSocket.OPEN; }

  connect() {
    if (this.stopped) return;
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.delayMs = MIN_DELAY_MS;
      this.handlers.onOpen?.();
    });
    socket.addEventListener('message', (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;  // the server sends JSON only; anything else is not for us
      }
      this.handlers.onMessage?.(message);
    });
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.handlers.onClose?.();
      if (this.stopped) return;
      this.timer = setTimeout(() => this.connect(), this.delayMs);
      this.delayMs = Math.min(this.delayMs * 2, MAX_DELAY_MS);
    });
  }

  // False when the socket is not open (the caller says so to the user).
  send(message) {
    if (!this.open) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  close() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close();
    this.socket = null;
  }
}
