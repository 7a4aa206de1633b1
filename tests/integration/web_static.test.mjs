// The web pages as HTTP: the three pages with their CSP, our scripts and the two vendor files
// with their types and caching, HEAD, the /live/<name> redirect, nothing else from the web
// root (node_modules, traversal), HLS and the API not shadowed; and the history API's token.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';

import { LiveRelay, waitFor } from './lib/harness.mjs';
import { publishWithFfmpeg, bframesFlv } from './lib/media.mjs';

const ADMIN = 'web-static-admin-token-0123';
let relay;
before(async () => { relay = await LiveRelay.start({ config: `[admin]\ntoken = "${ADMIN}"\n[hls]\nsegment_s = 1\n` }); });
after(async () => { await relay.stop(); });

// One raw request on its own connection (fetch would normalise the path before sending it).
function rawGet(path) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(relay.httpPort, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no answer for ${path}`)); }, 5000);
    socket.on('data', (d) => { received += d.toString('latin1'); });
    socket.on('close', () => { clearTimeout(timer); resolve(received); });
    socket.on('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  });
}

const PAGES = { '/': 'directory.js', '/dashboard': 'dashboard.js', '/live/cam1/': 'player.js' };

test('the three pages are HTML with a CSP that allows no inline script', async () => {
  for (const [path, script] of Object.entries(PAGES)) {
    const response = await fetch(`${relay.httpUrl}${path}`);
    assert.equal(response.status, 200, path);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    const csp = response.headers.get('content-security-policy');
    assert.match(csp, /(^|; )script-src 'self';/, path);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /worker-src 'self' blob:/);
    assert.match(csp, /media-src 'self' blob:/);
    assert.match(csp, new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${relay.httpPort}`));
    const html = await response.text();
    assert.ok(html.includes(`src="/static/${script}"`), `${path} loads ${script}`);
    // No inline code: every <script> has a src and no body.
    for (const match of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
      assert.match(match[1], /src="/, `${path}: inline script ${match[0]}`);
      assert.equal(match[2].trim(), '');
    }
    assert.doesNotMatch(html, /\son[a-z]+="/, `${path} has an inline event handler`);
  }
});

test('scripts, styles and the two vendor files are served with their type and caching', async () => {
  const expected = {
    '/static/player.js': ['text/javascript; charset=utf-8', 'no-cache'],
    '/static/site.css': ['text/css; charset=utf-8', 'no-cache'],
    '/static/favicon.svg': ['image/svg+xml', 'no-cache'],
    '/vendor/hls.min.js': ['text/javascript; charset=utf-8', 'public, max-age=86400'],
    '/vendor/uPlot.iife.min.js': ['text/javascript; charset=utf-8', 'public, max-age=86400'],
    '/vendor/uPlot.min.css': ['text/css; charset=utf-8', 'public, max-age=86400'],
  };
  for (const [path, [type, cache]] of Object.entries(expected)) {
    const response = await fetch(`${relay.httpUrl}${path}`);
    assert.equal(response.status, 200, path);
    assert.equal(response.headers.get('content-type'), type, path);
    assert.equal(response.headers.get('cache-control'), cache, path);
    const body = await response.arrayBuffer();
    assert.equal(Number(response.headers.get('content-length')), body.byteLength, path);
    assert.ok(body.byteLength > 0, path);
  }
  const hls = await (await fetch(`${relay.httpUrl}/vendor/hls.min.js`)).text();
  assert.ok(hls.length > 100000 && hls.includes('isSupported'), 'the real hls.js');
});

test('HEAD answers a page\'s headers and length without a body', async () => {
  const get = await fetch(`${relay.httpUrl}/live/cam1/`);
  const length = (await get.arrayBuffer()).byteLength;
  const head = await fetch(`${relay.httpUrl}/live/cam1/`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(Number(head.headers.get('content-length')), length);
  assert.ok(head.headers.get('content-security-policy'));
  assert.equal((await head.arrayBuffer()).byteLength, 0);
  const post = await fetch(`${relay.httpUrl}/dashboard`, { method: 'POST' });
  assert.equal(post.status, 405);
});

test('/live/<name> redirects to /live/<name>/; bad names are not pages', async () => {
  const response = await fetch(`${relay.httpUrl}/live/cam1?x=1`, { redirect: 'manual' });
  assert.equal(response.status, 301);
  assert.equal(response.headers.get('location'), '/live/cam1/?x=1');
  assert.equal((await fetch(`${relay.httpUrl}/live/.cam1/`)).status, 404);
});

test('nothing else under the web root is served, however the path is spelled', async () => {
  for (const path of ['/node_modules/hls.js/package.json', '/vendor/package.json', '/package.json',
    '/package-lock.json', '/pages/index.html', '/static/', '/web/pages/index.html', '/index.html']) {
    assert.equal((await fetch(`${relay.httpUrl}${path}`)).status, 404, path);
  }
  for (const path of ['/static/../package.json', '/static/%2e%2e/package.json', '/static/..%2fpackage.json',
    '/vendor/%2e%2e/node_modules/hls.js/package.json', '/static/%2fetc%2fpasswd', '/live/cam1/../../package.json']) {
    const response = await rawGet(path);
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
    assert.ok([400, 404].includes(status), `${path}: ${response.slice(0, 60)}`);
    assert.doesNotMatch(response, /"dependencies"|root:/);
  }
});

test('the history API needs the admin token and holds the server\'s and a live stream\'s samples', async () => {
  assert.equal((await fetch(`${relay.httpUrl}/api/v1/history`)).status, 401);
  const wrong = await fetch(`${relay.httpUrl}/api/v1/history`, { headers: { Authorization: 'Bearer nope-nope-nope-nope' } });
  assert.equal(wrong.status, 401);
  const auth = { headers: { Authorization: `Bearer ${ADMIN}` } };
  assert.equal((await fetch(`${relay.httpUrl}/api/v1/history?since=abc`, auth)).status, 400);
  assert.equal((await fetch(`${relay.httpUrl}/api/v1/streams/nobody/history`, auth)).status, 404);

  const publisher = publishWithFfmpeg(relay.rtmpUrl('hist'), bframesFlv(), { loop: true });
  try {
    // Samples every 2 s: wait for three with the stream live and its ingest measured.
    const history = await waitFor(async () => {
      const body = await (await fetch(`${relay.httpUrl}/api/v1/history`, auth)).json();
      const stream = body.streams.find((s) => s.name === 'hist');
      return stream && stream.bitrate_kbps.filter((v) => v > 0).length >= 3 ? body : null;
    }, { timeoutMs: 20000, intervalMs: 500, what: 'three samples of hist' });
    assert.equal(history.interval_s, 2);
    assert.equal(history.window_s, 600);
    const { server } = history;
    assert.ok(server.t.length >= 3);
    for (const key of ['cpu_percent', 'memory_bytes', 'connections_rtmp', 'connections_http', 'connections_websocket']) {
      assert.equal(server[key].length, server.t.length, key);
    }
    assert.ok(server.memory_bytes.at(-1) > 1e6, 'resident memory in bytes');
    assert.ok(server.connections_rtmp.at(-1) >= 1, 'the publisher counted');
    assert.ok(Math.abs(server.t.at(-1) - Date.now() / 1000) < 10, 't in seconds since the epoch');
    const t = server.t;
    for (let i = 1; i < t.length; i++) assert.ok(t[i] - t[i - 1] >= 1.4 && t[i] - t[i - 1] <= 3.5, `interval ${t[i] - t[i - 1]}`);

    const stream = history.streams.find((s) => s.name === 'hist');
    assert.equal(stream.live, true);
    const bitrate = stream.bitrate_kbps.filter((v) => v > 0).at(-1);
    assert.ok(bitrate > 300 && bitrate < 3000, `bitrate ${bitrate} kb/s for an 800 kb/s + 128 kb/s file`);
    assert.ok(stream.fps.some((v) => Math.abs(v - 30) < 3), `fps ${stream.fps}`);

    const since = stream.t.at(-2);
    const newer = await (await fetch(`${relay.httpUrl}/api/v1/streams/hist/history?since=${since}`, auth)).json();
    assert.equal(newer.t[0], stream.t.at(-1), 'the samples after `since`, from the first one');
    assert.ok(newer.t.every((x) => x > since));
    assert.equal(newer.bitrate_kbps.length, newer.t.length);
  } finally {
    publisher.kill('SIGKILL');
  }
});

test('pages do not shadow the playlist, the API or the WebSocket', async () => {
  const publisher = publishWithFfmpeg(relay.rtmpUrl('shadow'), bframesFlv(), { loop: true });
  try {
    const playlist = await waitFor(async () => {
      const response = await fetch(`${relay.httpUrl}/live/shadow/index.m3u8`);
      return response.ok ? response : null;
    }, { timeoutMs: 15000, what: 'the playlist' });
    assert.equal(playlist.headers.get('content-type'), 'application/vnd.apple.mpegurl');
    assert.match(await playlist.text(), /^#EXTM3U/);
    assert.equal((await fetch(`${relay.httpUrl}/api/v1/streams/shadow`)).headers.get('content-type'), 'application/json');
    const upgrade = await rawUpgrade('/live/shadow/ws');
    assert.match(upgrade, /^HTTP\/1\.1 101/);
  } finally {
    publisher.kill('SIGKILL');
  }
});

function rawUpgrade(path) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(relay.httpPort, '127.0.0.1');
    const timer = setTimeout(() => { socket.destroy(); reject(new Error('no upgrade answer')); }, 5000);
    socket.once('data', (d) => { clearTimeout(timer); socket.destroy(); resolve(d.toString('latin1')); });
    socket.on('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
  });
}
