// A real WebSocket client (the `ws` package) in a liverelay room, with waits on its messages.
import WebSocket from 'ws';

export class RoomClient {
  // Connects to /live/<name>/ws and resolves once open.
  static open(relay, name, { headers = {} } = {}) {
    const client = new RoomClient();
    client.ws = new WebSocket(`ws://127.0.0.1:${relay.httpPort}/live/${name}/ws`, { headers });
    client.messages = [];
    client.waiters = [];
    client.closed = new Promise((resolve) => {
      client.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    client.ws.on('message', (data, isBinary) => {
      const message = isBinary ? { type: 'binary' } : JSON.parse(data.toString());
      message.receivedAt = Date.now();
      client.messages.push(message);
      client.waiters = client.waiters.filter((w) => !w());
    });
    return new Promise((resolve, reject) => {
      client.ws.on('open', () => resolve(client));
      client.ws.on('error', reject);
    });
  }

  send(object) { this.ws.send(JSON.stringify(object)); }
  comment(text) { this.send({ type: 'comment', text }); }

  // Resolves with the first message (from `from` on) matching `predicate`, within a deadline.
  next(predicate, { from = 0, timeoutMs = 5000, what = 'message' } = {}) {
    const find = () => this.messages.slice(from).find(predicate);
    return new Promise((resolve, reject) => {
      const found = find();
      if (found) { resolve(found); return; }
      const timer = setTimeout(() => reject(new Error(`no ${what} in ${timeoutMs} ms; got ${JSON.stringify(this.messages.slice(-5))}`)), timeoutMs);
      this.waiters.push(() => {
        const match = find();
        if (!match) return false;
        clearTimeout(timer);
        resolve(match);
        return true;
      });
    });
  }

  ofType(type) { return this.messages.filter((m) => m.type === type); }

  async close() {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close();
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, 3000))]);
  }
}
