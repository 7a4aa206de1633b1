// Security (issue 11): path traversal in every spelling on every route family, hostile RTMP
// stream names, the stream key in no response, header or log line, every admin and bot call
// refused without its token, and request-smuggling shapes refused on a raw socket.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { LiveRelay, waitFor, waitForExit } from './lib/harness.mjs';
import { noBframesFlv, publishWithFfmpeg } from './lib/media.mjs';
import { RoomClient } from './lib/room.mjs';
import { RawRtmpClient } from './lib/rtmp_raw.mjs';

const ADMIN = 'security-admin-token-0123456789';
const BOT = 'security-bot-token-0123456789ab';
// The config file lands in the data dir: a traversal that reached it would show this line.
const CONFIG_MARKER = '# config-file-marker-7f3a9c';
const OPEN_CONFIG = `${CONFIG_MARKER}\n[hls]\nformat = "ts"\nsegment_s = 1\n[admin]\ntoken = "${ADMIN}"\n` +
  `[[bots]]\nname = "Helpdesk"\ntoken = "${BOT}"\n`;

// What a file that must never be served looks like: /etc/passwd, the SQLite index, the config
// file, the web root's package.json.
const LEAKS = [/root:[^:\r\n]*:0:0:/, /SQLite format 3/, new RegExp(CONFIG_MARKER), /"dependencies"/];

// Sends `text` on a new connection and collects the answer until the server closes it or the
// deadline passes; `closed` tells which.
function exchange(port, text, { timeoutMs = 5000 } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => { socket.destroy(); resolve({ received, closed: false }); }, timeoutMs);
    socket.on('data', (d) => { received += d.toString('latin1'); });
    socket.on('close', () => { clearTimeout(timer); resolve({ received, closed: true }); });
    socket.on('error', () => {});
    socket.write(text);
  });
}

const statusesOf = (received) => [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

async function request(port, method, target) {
  const { received } = await exchange(port, `${method} ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  return { status: statusesOf(received)[0], received };
}

const firstUri = (playlist) => playlist.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('#'));

// One open-mode server with a live, recorded stream "cam" for the traversal, name, token and
// smuggling tests.
let relay;
let publisher;
before(async () => {
  relay = await LiveRelay.start({ config: OPEN_CONFIG });
  publisher = publishWithFfmpeg(relay.rtmpUrl('cam'), noBframesFlv(), { loop: true });
  await waitFor(async () => {
    const stats = await relay.stream('cam');
    return stats.hls?.segments >= 2 && stats.recording?.segments >= 2;
  }, { timeoutMs: 20000, what: 'cam live with two recorded segments' });
});
after(async () => {
  publisher?.kill('SIGKILL');
  await relay.stop();
});

// Spellings of "../": plain, percent-encoded (any case, half and half), encoded slash, double
// and triple encoding, backslashes raw and encoded, overlong UTF-8, and tricks other servers fell for.
const DOT_DOT_SLASH = ['../', '%2e%2e/', '%2E%2E/', '.%2e/', '%2e./', '..%2f', '..%2F', '%2e%2e%2f', '%252e%252e%252f',
  '%252e%252e/', '..%252f', '%25252e%25252e/', '..%5c', '..\\', '%2e%2e%5c', '..%255c', '%c0%ae%c0%ae/', '..%c0%af',
  '..;/', './../', '..%00/', '.../', '....//'];
const TARGETS = ['etc/passwd', 'liverelay.toml', 'liverelay.db', 'package.json'];

test('path traversal in every spelling on every route family answers 400 or 404, never a file', async () => {
  const playlist = await (await fetch(`${relay.httpUrl}/live/cam/index.m3u8`)).text();
  const segment = firstUri(playlist);
  const [broadcast] = await relay.json('/api/v1/streams/cam/broadcasts');
  const replayPlaylist = await (await fetch(`${relay.httpUrl}${broadcast.playlist}`)).text();
  const replaySegment = firstUri(replayPlaylist);
  const replay = `/live/cam/replay/${broadcast.id}`;

  // Each family answers its real resources over the same raw requests: a 404 below is a refusal.
  for (const [target, expected] of [['/live/cam/index.m3u8', '#EXTM3U'], [`/live/cam/${segment}`, null],
    [`${replay}/index.m3u8`, '#EXTM3U'], [`${replay}/${replaySegment}`, null], ['/static/site.css', null],
    ['/api/v1/streams/cam', '"name":"cam"'], [`/api/v1/streams/cam/broadcasts/${broadcast.id}`, '"stream":"cam"']]) {
    const { status, received } = await request(relay.httpPort, 'GET', target);
    assert.equal(status, 200, `${target}: ${received.slice(0, 100)}`);
    if (expected) assert.ok(received.includes(expected), target);
  }

  const families = [['GET', '/'], ['GET', '/live/cam/'], ['GET', `/live/cam/${segment}/`], ['GET', `${replay}/`],
    ['GET', `${replay}/${replaySegment}/`], ['GET', '/static/'], ['GET', '/vendor/'], ['GET', '/api/v1/streams/cam/'],
    ['GET', `/api/v1/streams/cam/broadcasts/${broadcast.id}/`], ['DELETE', '/live/cam/whep/'], ['GET', '/dashboard/']];
  const failures = [];
  const check = async (method, target) => {
    const { status, received } = await request(relay.httpPort, method, target);
    const leak = LEAKS.find((pattern) => pattern.test(received));
    if (![400, 404].includes(status) || leak) failures.push(`${method} ${target}: ${received.slice(0, 120)}`);
  };
  for (const [method, prefix] of families) {
    for (const dots of DOT_DOT_SLASH) {
      for (const file of TARGETS) await check(method, prefix + dots.repeat(8) + file);
      // In the middle of a path that would otherwise be a real resource, and with HEAD (WHEP: DELETE).
      await check(method === 'GET' ? 'HEAD' : method, `${prefix}${dots}${dots}cam/index.m3u8`);
    }
  }
  // Absolute paths: doubled slashes, encoded slashes, the data dir's own absolute path, an
  // absolute-form request target, another scheme, backslashes, no leading slash.
  const db = join(relay.dataDir, 'liverelay.db');
  for (const target of ['//etc/passwd', '///etc/passwd', '/etc/passwd', '/live/cam//etc/passwd', '/live/cam/%2fetc%2fpasswd',
    `/live/cam/replay/${broadcast.id}/%2fetc%2fpasswd`, `/live/cam/replay/${broadcast.id}/${encodeURIComponent(db)}`,
    `/${db}`, `/${join(relay.dataDir, 'liverelay.toml')}`, `/live/cam/replay/${broadcast.id}/${db}`,
    `/static/${encodeURIComponent('/etc/passwd')}`, `/static//etc/passwd`, '/api/v1/streams/%2fetc%2fpasswd',
    'http://x/../../etc/passwd', 'http://x//etc/passwd', `http://x/${db}`, 'file:///etc/passwd', '\\..\\..\\etc\\passwd',
    '/\\etc\\passwd', 'C:\\etc\\passwd', 'etc/passwd', '*', `/live/cam/replay/${broadcast.id}/liverelay.db`,
    `/live/cam/replay/${broadcast.id}/..ts`, `/live/cam/replay/${broadcast.id}/%2e%2e.ts`,
    `/live/cam/replay/${broadcast.id}/index.m3u8%00.ts`, '/live/./cam/index.m3u8', '/live/cam/index.m3u8/.',
    `/live/cam/replay/${broadcast.id}/../../../liverelay.db`, `/live/cam/replay/%2e%2e/${broadcast.id}/index.m3u8`]) {
    await check('GET', target);
  }
  assert.deepEqual(failures, [], `${failures.length} traversal requests were not refused:\n${failures.slice(0, 20).join('\n')}`);
  // Every refused connection is gone (the one left is fetch's own keep-alive).
  await waitFor(async () => (await relay.json('/api/v1/server')).connections.http <= 1,
    { timeoutMs: 5000, what: 'the refused connections closed' });
});

test('a publish name that is a path (.., /, \\, encoded, hidden) is refused and creates no file or stream', async () => {
  const names = ['../../evil', '..', 'cam/../../evil', '/etc/passwd', '%2e%2e%2fevil', '..\\evil', '.hidden',
    'a/b', `${relay.dataDir}/evil`, 'ev il', 'evil\u0000', 'x'.repeat(65)];
  for (const name of names) {
    const client = await RawRtmpClient.open(relay.rtmpPort);
    try {
      const code = await client.publish(name);
      assert.equal(code, 'NetStream.Publish.Unauthorized', `publish ${JSON.stringify(name)}`);
      await client.waitClosed(5000);
    } finally {
      client.close();
    }
  }
  assert.deepEqual(readdirSync(join(relay.dataDir, 'recordings')), ['cam']);
  assert.equal(existsSync(join(relay.dataDir, '..', 'evil')), false);
  assert.equal(existsSync(join(relay.dataDir, 'evil')), false);
  const streams = await relay.json('/api/v1/streams');
  assert.deepEqual(streams.map((s) => s.name), ['cam']);
  assert.equal((await relay.stream('cam')).live, true, 'the real broadcast went on');
});

test('every admin and bot call refuses a missing, wrong, partial or other-role token with 401 and does nothing', async () => {
  const watcher = await RoomClient.open(relay, 'cam');
  const ana = await RoomClient.open(relay, 'cam');
  try {
    ana.send({ type: 'hello', user: 'Ana' });
    ana.comment('keep me');
    const kept = await watcher.next((m) => m.type === 'comment' && m.text === 'keep me', { what: 'the comment' });
    const [broadcast] = await relay.json('/api/v1/streams/cam/broadcasts');
    const calls = [
      ['admin', 'POST', '/api/v1/streams/cam/kick', null],
      ['admin', 'DELETE', `/api/v1/streams/cam/comments/${kept.id}`, null],
      ['admin', 'POST', '/api/v1/streams/cam/bans', { user: 'Ana' }],
      ['admin', 'POST', '/api/v1/streams/cam/bans', { address: '127.0.0.1' }],
      ['admin', 'DELETE', `/api/v1/streams/cam/broadcasts/${broadcast.id}`, null],
      ['admin', 'GET', '/api/v1/streams/cam/pushes', null],
      ['admin', 'POST', '/api/v1/streams/cam/pushes', { url: 'rtmp://127.0.0.1:9/live/stolen' }],
      ['admin', 'DELETE', '/api/v1/streams/cam/pushes/1', null],
      ['admin', 'GET', '/api/v1/history', null],
      ['admin', 'GET', '/api/v1/streams/cam/history', null],
      ['bot', 'POST', '/api/v1/streams/cam/comments', { text: 'forged bot comment' }],
    ];
    const credentials = (secret, other) => [
      {}, { authorization: '' }, { authorization: 'Bearer' }, { authorization: 'Bearer ' },
      { authorization: `Bearer ${'x'.repeat(secret.length)}` }, { authorization: `Bearer ${secret.slice(0, -1)}` },
      { authorization: `Bearer ${secret}x` }, { authorization: `Bearer ${secret.toUpperCase()}` },
      { authorization: `Bearer  ${secret}` }, { authorization: secret }, { authorization: `Token ${secret}` },
      { authorization: `Basic ${Buffer.from(`admin:${secret}`).toString('base64')}` },
      { authorization: `Bearer ${other}` }, { 'x-api-key': secret }, { cookie: `token=${secret}` },
    ];
    const failures = [];
    for (const [role, method, path, body] of calls) {
      const [secret, other] = role === 'admin' ? [ADMIN, BOT] : [BOT, ADMIN];
      const attempts = credentials(secret, other).map((headers) => ({ url: path, headers }));
      attempts.push({ url: `${path}?token=${secret}&access_token=${secret}`, headers: {} });
      for (const { url, headers } of attempts) {
        const response = await fetch(`${relay.httpUrl}${url}`, {
          method, headers: { 'content-type': 'application/json', ...headers }, body: body ? JSON.stringify(body) : undefined,
        });
        const text = await response.text();
        if (response.status !== 401) failures.push(`${method} ${url} ${JSON.stringify(headers)}: ${response.status} ${text}`);
        if (text.includes(secret) || text.includes(other)) failures.push(`${method} ${url}: a token in the answer`);
      }
    }
    assert.deepEqual(failures, [], failures.join('\n'));

    // Nothing happened: still live, the comment not deleted, Ana not banned, no bot comment,
    // no push, the broadcast still listed.
    assert.equal((await relay.stream('cam')).live, true);
    ana.comment('still allowed');
    await watcher.next((m) => m.type === 'comment' && m.text === 'still allowed', { what: 'Ana not banned' });
    assert.equal(watcher.messages.filter((m) => m.type === 'delete' || m.text === 'forged bot comment').length, 0);
    const auth = { headers: { authorization: `Bearer ${ADMIN}` } };
    const pushes = await fetch(`${relay.httpUrl}/api/v1/streams/cam/pushes`, auth);
    assert.equal(pushes.status, 200, 'the right token is accepted');
    assert.deepEqual((await pushes.json()).pushes, []);
    assert.ok((await relay.json('/api/v1/streams/cam/broadcasts')).some((b) => b.id === broadcast.id));
    const botPost = await fetch(`${relay.httpUrl}/api/v1/streams/cam/comments`, {
      method: 'POST', headers: { authorization: `Bearer ${BOT}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'real bot comment' }),
    });
    assert.equal(botPost.status, 201, 'the right bot token is accepted');
    // Over the WebSocket: a wrong token gives no moderation rights.
    const impostor = await RoomClient.open(relay, 'cam');
    try {
      impostor.send({ type: 'auth', token: `${ADMIN}x` });
      impostor.send({ type: 'delete', id: kept.id });
      await impostor.next((m) => m.type === 'error', { what: 'a refusal' });
      assert.equal(watcher.messages.filter((m) => m.type === 'delete').length, 0);
    } finally {
      await impostor.close();
    }
    for (const secret of [ADMIN, BOT]) assert.ok(!relay.output.includes(secret), 'a token in the log');
  } finally {
    await watcher.close();
    await ana.close();
  }
});

test('a server with no admin token configured lets nobody moderate, not even with an empty one', async () => {
  const bare = await LiveRelay.start();
  try {
    for (const [method, path] of [['POST', '/api/v1/streams/cam/kick'], ['GET', '/api/v1/history'],
      ['GET', '/api/v1/streams/cam/pushes'], ['POST', '/api/v1/streams/cam/bans'], ['DELETE', '/api/v1/streams/cam/comments/1']]) {
      for (const authorization of [undefined, 'Bearer ', 'Bearer', 'Bearer ""', 'Bearer null', 'Bearer undefined']) {
        const { received } = await exchange(bare.httpPort, `${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n` +
          `${authorization === undefined ? '' : `Authorization: ${authorization}\r\n`}Content-Length: 2\r\n\r\n{}`);
        assert.equal(statusesOf(received)[0], 401, `${method} ${path} with ${authorization}: ${received.slice(0, 100)}`);
      }
    }
  } finally {
    await bare.stop();
  }
});

// A pipelined request after each shape: a server that took the shape's framing differently
// from a proxy in front would answer it (request smuggling).
const SMUGGLED = 'GET /api/v1/streams/smuggled HTTP/1.1\r\nHost: x\r\n\r\n';

test('conflicting, duplicate and negative message lengths are refused with 400 and the connection closed', async () => {
  const shapes = [
    ['duplicate Content-Length, same value', 'Content-Length: 4\r\nContent-Length: 4', 'abcd'],
    ['duplicate Content-Length, different values', 'Content-Length: 4\r\nContent-Length: 51', 'abcd'],
    ['Content-Length as a list', 'Content-Length: 4, 4', 'abcd'],
    ['Content-Length then Transfer-Encoding', 'Content-Length: 5\r\nTransfer-Encoding: chunked', '0\r\n\r\n'],
    ['Transfer-Encoding then Content-Length', 'Transfer-Encoding: chunked\r\nContent-Length: 5', '0\r\n\r\n'],
    ['negative Content-Length', 'Content-Length: -1', ''],
    ['negative zero Content-Length', 'Content-Length: -0', ''],
    ['signed Content-Length', 'Content-Length: +4', 'abcd'],
    ['hexadecimal Content-Length', 'Content-Length: 0x4', 'abcd'],
    ['fractional Content-Length', 'Content-Length: 4.0', 'abcd'],
    ['Content-Length past 64 bits', 'Content-Length: 99999999999999999999999', 'abcd'],
    ['Transfer-Encoding that does not end in chunked', 'Transfer-Encoding: chunked, identity', '0\r\n\r\n'],
    ['two Transfer-Encodings', 'Transfer-Encoding: chunked\r\nTransfer-Encoding: identity', '0\r\n\r\n'],
    ['an unknown Transfer-Encoding', 'Transfer-Encoding: xchunked', '0\r\n\r\n'],
    ['a negative chunk size', 'Transfer-Encoding: chunked', '-1\r\nx\r\n0\r\n\r\n'],
    ['a chunk size past 64 bits', 'Transfer-Encoding: chunked', 'fffffffffffffffffffff\r\nx\r\n0\r\n\r\n'],
    ['a bare CR inside the head', 'X-A: a\rContent-Length: 4', 'abcd'],
    ['a NUL in Content-Length', 'Content-Length: 4\u0000', 'abcd'],
    ['a tab before the colon', 'Content-Length\t: 4', 'abcd'],
  ];
  const failures = [];
  for (const [what, headers, body] of shapes) {
    const { received, closed } = await exchange(relay.httpPort,
      `POST /api/v1/streams/cam/comments HTTP/1.1\r\nHost: x\r\n${headers}\r\n\r\n${body}${SMUGGLED}`);
    const statuses = statusesOf(received);
    if (statuses.length !== 1 || statuses[0] !== 400 || !closed) {
      failures.push(`${what}: answered ${JSON.stringify(statuses)}, ${closed ? 'closed' : 'left open'}`);
    }
  }
  assert.deepEqual(failures, [], failures.join('\n'));
  // The server is not confused for anyone else: a fresh connection is answered at once.
  const { received } = await exchange(relay.httpPort, 'GET /api/v1/streams/cam HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(statusesOf(received)[0], 200);
});

// RFC 9112 5.1: "A server MUST reject, with a response status code of 400 (Bad Request), any
// received request message that contains whitespace between a header field name and colon."
// A proxy that ignores such a field frames the message differently from a server that honours it.
test('whitespace between a header name and its colon is refused with 400, not honoured', async () => {
  const shapes = [['Content-Length : 51', ''], ['Content-Length  : 4', 'abcd'],
    ['Transfer-Encoding : chunked', '5\r\nhello\r\n0\r\n\r\n']];
  const failures = await Promise.all(shapes.map(async ([headers, body]) => {
    const { received, closed } = await exchange(relay.httpPort,
      `POST /api/v1/server HTTP/1.1\r\nHost: x\r\n${headers}\r\n\r\n${body}${SMUGGLED}`, { timeoutMs: 3000 });
    const statuses = statusesOf(received);
    if (statuses.length === 1 && statuses[0] === 400 && closed) return null;
    return `${JSON.stringify(headers)}: answered ${JSON.stringify(statuses)}, ${closed ? 'closed' : 'left open'}`;
  }));
  assert.deepEqual(failures.filter(Boolean), [], failures.filter(Boolean).join('\n'));
});

test('keyed mode: the stream key is in no page, API, playlist, WHEP or room answer, no header, no file name and no log line', async () => {
  const KEY = 'sk_live_secret123';
  const keyed = await LiveRelay.start({
    config: `[server]\nreconnect_grace_s = 1\n[hls]\nsegment_s = 1\n[[streams]]\nname = "alice"\nkey = "${KEY}"\n` +
      `[admin]\ntoken = "${ADMIN}"\n`,
    args: ['--log-level', 'debug'],
  });
  const media = noBframesFlv();
  let owner;
  const room = [];
  const seen = [];  // what every answer was, for the message of a failure
  const leaks = [];
  const inspect = async (what, response) => {
    const body = Buffer.from(await response.arrayBuffer()).toString('latin1');
    const headers = [...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
    seen.push(`${what} ${response.status}`);
    if (body.includes(KEY) || headers.includes(KEY)) leaks.push(`${what}: ${response.status}`);
    return { status: response.status, body, response };
  };
  const get = (path, headers = {}) => fetch(`${keyed.httpUrl}${path}`, { headers }).then((r) => inspect(`GET ${path}`, r));
  try {
    // A wrong key from a real encoder, and one that is the key less its last character.
    const wrong = publishWithFfmpeg(keyed.rtmpUrl('sk_live_secret124'), media, { extra: ['-t', '3'] });
    assert.notEqual((await waitForExit(wrong, 10000)).code, 0);
    const prefix = await RawRtmpClient.open(keyed.rtmpPort);
    assert.equal(await prefix.publish(KEY.slice(0, -1)), 'NetStream.Publish.Unauthorized');
    prefix.close();

    owner = publishWithFfmpeg(keyed.rtmpUrl(KEY), media, { loop: true });
    room.push(await RoomClient.open(keyed, 'alice'));
    await waitFor(async () => (await keyed.stream('alice')).hls?.segments >= 2, { timeoutMs: 20000, what: 'alice live' });
    // The key again while alice is live: refused, and the refusal does not name the key.
    const second = await RawRtmpClient.open(keyed.rtmpPort);
    assert.equal(await second.publish(KEY), 'NetStream.Publish.BadName');
    second.close();
    const statuses = JSON.stringify(second.statuses);
    assert.ok(!statuses.includes(KEY), `the key in an RTMP status: ${statuses}`);

    const offer = readFileSync(new URL('../data/webrtc/chromium_156_whep_offer.sdp', import.meta.url), 'utf8');
    const whep = await waitFor(async () => {
      const answer = await inspect('POST /live/alice/whep', await fetch(`${keyed.httpUrl}/live/alice/whep`, {
        method: 'POST', headers: { 'content-type': 'application/sdp' }, body: offer,
      }));
      return answer.status === 201 ? answer : null;
    }, { timeoutMs: 10000, what: 'a WHEP answer' });
    const location = whep.response.headers.get('location');
    await inspect(`DELETE ${location}`, await fetch(`${keyed.httpUrl}${location}`, { method: 'DELETE' }));

    const admin = { authorization: `Bearer ${ADMIN}` };
    const everything = async () => {
      const { body: playlist } = await get('/live/alice/index.m3u8');
      const [broadcast] = JSON.parse((await get('/api/v1/streams/alice/broadcasts')).body);
      for (const path of ['/', '/dashboard', '/live/alice/', '/live/alice', '/api/v1/streams', '/api/v1/streams/alice',
        '/api/v1/server', '/metrics', `/api/v1/streams/alice/broadcasts/${broadcast.id}`,
        `/api/v1/streams/alice/broadcasts/${broadcast.id}/comments`, `/api/v1/streams/alice/broadcasts/${broadcast.id}/reactions`,
        `/live/alice/replay/${broadcast.id}`, '/live/alice/index.m3u8?_HLS_skip=YES',
        ...readdirSync(new URL('../../web/static', import.meta.url)).map((file) => `/static/${file}`)]) {
        await get(path);
      }
      for (const path of ['/api/v1/history', '/api/v1/streams/alice/history', '/api/v1/streams/alice/pushes']) {
        await get(path, admin);
      }
      for (const uri of playlist.split('\n').filter((l) => l && !l.startsWith('#')).slice(0, 2)) await get(`/live/alice/${uri}`);
      const { body: replay } = await get(broadcast.playlist);
      const replaySegment = firstUri(replay);
      if (replaySegment) await get(`/live/alice/replay/${broadcast.id}/${replaySegment}`);
    };
    await everything();

    const kick = await inspect('POST kick', await fetch(`${keyed.httpUrl}/api/v1/streams/alice/kick`,
      { method: 'POST', headers: admin }));
    assert.equal(kick.status, 200);
    await waitForExit(owner, 10000);
    await waitFor(async () => {
      const [newest] = await keyed.json('/api/v1/streams/alice/broadcasts');
      return newest.recording === 'complete';
    }, { timeoutMs: 10000, what: 'the recording complete' });
    await everything();  // offline, ended, the VOD replay

    const messages = JSON.stringify(room[0].messages);
    assert.ok(messages.includes('"live":false'), 'the room heard the end');
    assert.ok(!messages.includes(KEY), 'the key in a room message');
    const names = [];
    const walk = (dir) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        names.push(entry.name);
        if (entry.isDirectory()) walk(join(dir, entry.name));
      }
    };
    walk(keyed.dataDir);
    assert.ok(names.includes('alice'), 'the recording is under the public name');
    assert.deepEqual(names.filter((n) => n.includes(KEY)), [], 'the key in a file name');
    assert.deepEqual(leaks, [], `the key in answers:\n${leaks.join('\n')}`);
    assert.ok(seen.length > 40, seen.join('\n'));
    const logged = keyed.output.split('\n').filter((line) => line.includes(KEY));
    assert.deepEqual(logged, [], 'the key in the log (debug level)');

    // The key is not a viewer name either (checked after the log: the debug access log names paths).
    for (const path of [`/live/${KEY}/index.m3u8`, `/api/v1/streams/${KEY}`, `/api/v1/streams/${KEY}/broadcasts`]) {
      const response = await fetch(`${keyed.httpUrl}${path}`);
      const body = await response.text();
      assert.ok(response.status === 404 || (response.status === 200 && body === '[]'), `${path}: ${response.status} ${body}`);
    }
  } finally {
    owner?.kill('SIGKILL');
    for (const client of room) await client.close();
    await keyed.stop();
  }
});
