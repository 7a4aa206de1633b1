// Keyed mode: a stream key maps to a public name; wrong keys are refused; keys never leak.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { LiveRelay, waitFor, waitForExit } from './lib/harness.mjs';
import { publishWithFfmpeg, sampleFlv } from './lib/media.mjs';

const SECRET = 'sk_live_8f2a91c4d7';
let relay;
before(async () => {
  relay = await LiveRelay.start({ config: `[[streams]]\nname = "alice"\nkey = "${SECRET}"\n`, args: ['--log-level', 'debug'] });
});
after(async () => { await relay.stop(); });

test('a wrong key is refused with an error status and a closed connection', async () => {
  const publisher = publishWithFfmpeg(relay.rtmpUrl('sk_live_wrong'), sampleFlv(), { extra: ['-t', '5'] });
  const { code } = await waitForExit(publisher, 10000);
  assert.notEqual(code, 0);
  assert.equal((await relay.stream('alice')).live, false);
  await assert.rejects(relay.stream('sk_live_wrong'), /404/);
});

test('the right key publishes as the public name, and the key appears in no response or log', async () => {
  const publisher = publishWithFfmpeg(relay.rtmpUrl(SECRET), sampleFlv(), { loop: true });
  try {
    const stats = await waitFor(async () => {
      const s = await relay.stream('alice');
      return s.live && s.video ? s : null;
    }, { what: 'alice live' });
    assert.equal(stats.name, 'alice');
    const bodies = [
      await (await fetch(`${relay.httpUrl}/api/v1/streams`)).text(),
      await (await fetch(`${relay.httpUrl}/api/v1/streams/alice`)).text(),
      await (await fetch(`${relay.httpUrl}/api/v1/server`)).text(),
    ];
    for (const body of bodies) assert.ok(!body.includes(SECRET), 'key in an API response');
  } finally {
    publisher.kill('SIGKILL');
  }
  await waitFor(async () => !(await relay.stream('alice')).live, { timeoutMs: 5000, what: 'alice offline' });
  assert.ok(!relay.output.includes(SECRET), 'key in a log line');
  // Checked last: the request's own path is in the debug access log.
  assert.equal((await fetch(`${relay.httpUrl}/api/v1/streams/${SECRET}`)).status, 404);
});
