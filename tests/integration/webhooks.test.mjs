// Webhooks: on_publish decides whether a publish starts (fail closed), on_publish_done follows
// the publisher's exit; the hook target is a Node HTTP server on loopback.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';

import { LiveRelay, waitFor, waitForExit } from './lib/harness.mjs';
import { publishWithFfmpeg, sampleFlv } from './lib/media.mjs';

const SECRET = 'sk_live_hook_5e1b7c93';

// The operator's service. `onPublish` decides each on_publish: a status, or 'hang' (never
// answers). Every request is recorded with its parsed body and when its socket closed.
class HookTarget {
  static async start() {
    const target = new HookTarget();
    target.onPublish = () => 200;
    target.requests = [];
    target.server = createServer((req, res) => target.handle(req, res));
    await new Promise((resolve) => target.server.listen(0, '127.0.0.1', resolve));
    target.port = target.server.address().port;
    return target;
  }

  url(path) { return `http://127.0.0.1:${this.port}${path}`; }

  handle(req, res) {
    let raw = '';
    req.on('data', (d) => { raw += d; });
    req.on('end', () => {
      const record = { path: req.url, method: req.method, type: req.headers['content-type'], raw, closed: false };
      record.body = JSON.parse(raw);
      res.on('close', () => { record.closed = true; });
      this.requests.push(record);
      const decision = req.url === '/on_publish' ? this.onPublish(record) : 200;
      if (decision === 'hang') return;
      res.writeHead(decision, { 'content-type': 'text/plain' });
      res.end(decision === 200 ? 'ok' : 'no');
    });
  }

  received(path, after = 0) { return this.requests.slice(after).filter((r) => r.path === path); }

  async stop() {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

let target;
let relay;
before(async () => {
  target = await HookTarget.start();
  const config = `[[streams]]\nname = "alice"\nkey = "${SECRET}"\n\n[webhooks]\n` +
    `on_publish = "${target.url('/on_publish')}"\non_publish_done = "${target.url('/on_publish_done')}"\ntimeout_s = 1\n`;
  relay = await LiveRelay.start({ config, args: ['--log-level', 'debug'] });
});
after(async () => {
  await relay.stop();
  await target.stop();
});

async function waitOffline() {
  await waitFor(async () => !(await relay.stream('alice')).live, { timeoutMs: 5000, what: 'alice offline' });
}

test('a 2xx from on_publish lets the publish start; the hook hears the name, never the key', async () => {
  target.onPublish = () => 200;
  const seen = target.requests.length;
  const publisher = publishWithFfmpeg(relay.rtmpUrl(SECRET), sampleFlv(), { loop: true });
  try {
    const stats = await waitFor(async () => {
      const s = await relay.stream('alice');
      return s.live && s.video ? s : null;
    }, { what: 'alice live' });
    assert.equal(stats.name, 'alice');
    const [hook] = target.received('/on_publish', seen);
    assert.equal(hook.method, 'POST');
    assert.equal(hook.type, 'application/json');
    assert.equal(hook.body.action, 'on_publish');
    assert.equal(hook.body.stream, 'alice');
    assert.equal(hook.body.app, 'live');
    assert.match(hook.body.client_address, /^127\.0\.0\.1:\d+$/);
    assert.equal(hook.body.client_address, stats.publisher.address);
    assert.match(hook.body.encoder, /Lavf|FMLE/);
    assert.equal(typeof hook.body.connection_id, 'number');
    assert.ok(!hook.raw.includes(SECRET), 'stream key sent to the hook');
  } finally {
    publisher.kill('SIGKILL');
  }
  await waitOffline();
});

test('a 403 from on_publish refuses the publish', async () => {
  target.onPublish = () => 403;
  const seen = target.requests.length;
  const publisher = publishWithFfmpeg(relay.rtmpUrl(SECRET), sampleFlv(), { extra: ['-t', '5'] });
  const { code } = await waitForExit(publisher, 10000);
  assert.notEqual(code, 0);
  assert.equal(target.received('/on_publish', seen).length, 1);
  assert.equal((await relay.stream('alice')).live, false);
  assert.match(relay.output, /publish of alice refused by the on_publish hook: HTTP 403/);
});

test('an on_publish that never answers refuses the publish after timeout_s; the server stays up', async () => {
  target.onPublish = () => 'hang';
  const seen = target.requests.length;
  const started = Date.now();
  const publisher = publishWithFfmpeg(relay.rtmpUrl(SECRET), sampleFlv(), { extra: ['-t', '5'] });
  const { code } = await waitForExit(publisher, 10000);
  const elapsed = Date.now() - started;
  assert.notEqual(code, 0);
  assert.ok(elapsed >= 1000, `refused after ${elapsed} ms, before timeout_s`);
  assert.ok(elapsed < 8000, `refused after ${elapsed} ms`);
  const [hook] = target.received('/on_publish', seen);
  await waitFor(() => hook.closed, { timeoutMs: 5000, what: 'the timed-out hook request to be closed' });
  assert.equal((await relay.stream('alice')).live, false);
  assert.match(relay.output, /publish of alice refused by the on_publish hook: .*[Tt]imed out/);
  const server = await relay.json('/api/v1/server');
  assert.equal(server.connections.rtmp, 0);
});

test('a publisher that leaves while on_publish is pending is forgotten, its request cancelled', async () => {
  let answer;
  target.onPublish = (record) => { answer = record; return 'hang'; };
  const seen = target.requests.length;
  const publisher = publishWithFfmpeg(relay.rtmpUrl(SECRET), sampleFlv(), { loop: true });
  await waitFor(() => target.received('/on_publish', seen).length === 1, { what: 'on_publish asked' });
  publisher.kill('SIGKILL');
  await waitFor(() => answer.closed, { timeoutMs: 5000, what: 'the relay to cancel its on_publish request' });
  await waitFor(async () => (await relay.json('/api/v1/server')).connections.rtmp === 0, { what: 'no RTMP connection' });
  assert.equal((await relay.stream('alice')).live, false);
});

test('on_publish_done arrives when ffmpeg stops', async () => {
  target.onPublish = () => 200;
  const seen = target.requests.length;
  const publisher = publishWithFfmpeg(relay.rtmpUrl(SECRET), sampleFlv(), { extra: ['-t', '3'] });
  await waitFor(async () => (await relay.stream('alice')).live, { what: 'alice live' });
  const { code } = await waitForExit(publisher, 15000);
  assert.equal(code, 0, publisher.errors);
  const [done] = await waitFor(() => {
    const received = target.received('/on_publish_done', seen);
    return received.length ? received : null;
  }, { timeoutMs: 5000, what: 'on_publish_done' });
  assert.equal(done.body.action, 'on_publish_done');
  assert.equal(done.body.stream, 'alice');
  assert.match(done.body.client_address, /^127\.0\.0\.1:\d+$/);
  assert.equal(done.body.client_address, target.received('/on_publish', seen)[0].body.client_address);
  assert.ok(done.body.duration_s >= 2 && done.body.duration_s < 10, `duration_s ${done.body.duration_s}`);
  assert.ok(done.body.bytes_in > 500_000, `bytes_in ${done.body.bytes_in}`); // 3 s at ~2.6 Mb/s
  assert.ok(!done.raw.includes(SECRET), 'stream key sent to the hook');
  await waitOffline();
  assert.ok(!relay.output.includes(SECRET), 'key in a log line');
});

test('stopping the server while on_publish is pending cancels the request and exits 0', async () => {
  const hanging = await HookTarget.start();
  hanging.onPublish = () => 'hang';
  const config = `[webhooks]\non_publish = "${hanging.url('/on_publish')}"\ntimeout_s = 30\n`;
  const other = await LiveRelay.start({ config });
  const publisher = publishWithFfmpeg(other.rtmpUrl('cam9'), sampleFlv(), { extra: ['-t', '5'] });
  try {
    await waitFor(() => hanging.received('/on_publish').length === 1, { what: 'on_publish asked' });
    await other.stop(); // exit code 0 within 5 s and no sanitizer report
    await waitFor(() => hanging.received('/on_publish')[0].closed, { timeoutMs: 5000, what: 'request closed' });
  } finally {
    publisher.kill('SIGKILL');
    other.kill();
    await hanging.stop();
  }
});

test('the hook allows one key and refuses another; a hanging hook refuses while other streams go on', async () => {
  const keys = { alice: 'sk_alice_0a1b2c3d', bob: 'sk_bob_4e5f6a7b', carol: 'sk_carol_8c9d0e1f' };
  const own = await HookTarget.start();
  own.onPublish = (record) => ({ alice: 200, bob: 403, carol: 'hang' })[record.body.stream];
  const streams = Object.entries(keys).map(([name, key]) => `[[streams]]\nname = "${name}"\nkey = "${key}"\n`).join('');
  const config = `${streams}[webhooks]\non_publish = "${own.url('/on_publish')}"\ntimeout_s = 1\n`;
  const other = await LiveRelay.start({ config });
  const alice = publishWithFfmpeg(other.rtmpUrl(keys.alice), sampleFlv(), { loop: true });
  let bob;
  let carol;
  try {
    await waitFor(async () => (await other.stream('alice')).live, { what: 'alice live', timeoutMs: 15000 });
    bob = publishWithFfmpeg(other.rtmpUrl(keys.bob), sampleFlv(), { extra: ['-t', '5'] });
    assert.notEqual((await waitForExit(bob, 10000)).code, 0);
    assert.equal((await other.stream('bob')).live, false);

    const framesBefore = (await other.stream('alice')).ingest.frames;
    carol = publishWithFfmpeg(other.rtmpUrl(keys.carol), sampleFlv(), { extra: ['-t', '5'] });
    assert.notEqual((await waitForExit(carol, 10000)).code, 0);
    assert.equal((await other.stream('carol')).live, false);
    const aliceNow = await other.stream('alice');
    assert.equal(aliceNow.live, true);
    assert.ok(aliceNow.ingest.frames > framesBefore + 20, 'alice kept flowing while carol waited on the hook');
    for (const record of own.received('/on_publish')) {
      assert.ok(!record.raw.includes('sk_'), 'no stream key in a hook body');
    }
  } finally {
    for (const child of [alice, bob, carol]) child?.kill('SIGKILL');
    await other.stop();
    await own.stop();
  }
});
