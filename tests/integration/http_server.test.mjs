// The HTTP/1.1 server with raw sockets: keep-alive and pipelining, limits, path traversal,
// smuggling-shaped requests, idle and half-sent requests, and a client that stops reading.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';

import { LiveRelay, waitFor } from './lib/harness.mjs';

let relay;
before(async () => { relay = await LiveRelay.start({ args: ['--log-level', 'info'] }); });
after(async () => { await relay.stop(); });

// Sends `text` on a new connection and collects what comes back until the server closes or
// `until(received)` holds; bounded by a deadline.
function exchange(text, { until = () => false, timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(relay.httpPort, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no end in ${timeoutMs} ms: ${received}`)); }, timeoutMs);
    const finish = () => { clearTimeout(timer); socket.destroy(); resolve(received); };
    socket.on('data', (d) => { received += d.toString('latin1'); if (until(received)) finish(); });
    socket.on('close', finish);
    socket.on('error', finish);
    socket.write(text);
  });
}

const statusOf = (response) => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);

test('pipelined keep-alive requests are answered in order on one connection', async () => {
  const request = (path) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;
  const response = await exchange(request('/api/v1/server') + request('/nope') + request('/api/v1/streams'), {
    until: (r) => (r.match(/HTTP\/1\.1 /g) ?? []).length === 3 && r.trimEnd().endsWith(']') ,
  });
  const statuses = [...response.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
  assert.deepEqual(statuses, [200, 404, 200]);
});

test('HEAD answers the headers of GET without a body', async () => {
  const response = await exchange('HEAD /api/v1/server HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(statusOf(response), 200);
  assert.match(response, /Content-Length: [1-9]\d*\r\n/);
  assert.ok(response.endsWith('\r\n\r\n'), response);
});

test('path traversal in every form answers 400 or 404, never a file', async () => {
  for (const path of ['/../etc/passwd', '/live/%2e%2e/%2e%2e/etc/passwd', '/live/..%2f..%2fetc/passwd',
    '/live/%252e%252e/x', '//etc/passwd', '/live/a/..', '/%00']) {
    const response = await exchange(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.ok([400, 404].includes(statusOf(response)), `${path}: ${response.slice(0, 80)}`);
    assert.doesNotMatch(response, /root:/);
  }
});

test('oversized heads, bodies and duplicate Content-Length are refused and closed', async () => {
  const huge = await exchange(`GET /api/v1/server HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40000)}\r\n\r\n`);
  assert.equal(statusOf(huge), 431);
  const body = await exchange('POST /api/v1/server HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n');
  assert.equal(statusOf(body), 413);
  const smuggled = await exchange('POST /api/v1/server HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 40\r\n\r\nabcd');
  assert.equal(statusOf(smuggled), 400);
  const garbage = await exchange('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello tls\r\n\r\n');
  assert.equal(statusOf(garbage), 400);
});

test('the server still answers while a client stops reading a large response', async () => {
  // Many pipelined requests that are never read: the server must not buffer without bound or stall.
  const stuck = net.connect(relay.httpPort, '127.0.0.1');
  stuck.pause();
  await new Promise((resolve) => stuck.on('connect', resolve));
  stuck.write('GET /api/v1/streams HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(20000));
  try {
    const server = await relay.json('/api/v1/server');
    assert.ok(server.connections.http >= 1);
  } finally {
    stuck.destroy();
  }
});

test('a connection that never finishes its request is answered 408 and closed', async () => {
  // The header timeout is 10 s: a request line with no end of head.
  const started = Date.now();
  const response = await exchange('GET /api/v1/server HTTP/1.1\r\nHost: x\r\n', { timeoutMs: 15000 });
  assert.equal(statusOf(response), 408);
  assert.ok(Date.now() - started >= 9000);
  await waitFor(async () => (await relay.json('/api/v1/server')).connections.http <= 1, { what: 'connection gone' });
});
