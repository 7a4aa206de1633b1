// Two broadcasts at once; one publisher dies without a goodbye and only its stream goes offline.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { LiveRelay, waitFor, waitForExit } from './lib/harness.mjs';
import { publishWithFfmpeg, sampleFlv } from './lib/media.mjs';

let relay;
before(async () => { relay = await LiveRelay.start(); });
after(async () => { await relay.stop(); });

test('two streams publish at once; a SIGKILLed publisher is offline within 5 s, the other goes on', async () => {
  const file = sampleFlv();
  const first = publishWithFfmpeg(relay.rtmpUrl('first'), file, { loop: true });
  const second = publishWithFfmpeg(relay.rtmpUrl('second'), file, { loop: true });
  try {
    await waitFor(async () => {
      const [a, b] = [await relay.stream('first'), await relay.stream('second')];
      return a.live && b.live && a.ingest.frames > 30 && b.ingest.frames > 30;
    }, { timeoutMs: 10000, what: 'both streams live' });
    assert.equal((await relay.json('/api/v1/server')).connections.rtmp, 2);

    first.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor(async () => !(await relay.stream('first')).live, { timeoutMs: 5000, what: 'first offline' });
    assert.ok(Date.now() - killedAt <= 5000);

    const before = (await relay.stream('second')).ingest.frames;
    const after = await waitFor(async () => {
      const s = await relay.stream('second');
      return s.live && s.ingest.frames >= before + 30 ? s.ingest.frames : null;
    }, { timeoutMs: 5000, what: 'second keeps receiving frames' });
    assert.ok(after >= before + 30);
  } finally {
    first.kill('SIGKILL');
    second.kill('SIGKILL');
    await waitForExit(second, 5000);
  }
});

test('a second publisher to a live name is refused and the first goes on', async () => {
  const file = sampleFlv();
  const owner = publishWithFfmpeg(relay.rtmpUrl('taken'), file, { loop: true });
  try {
    await waitFor(async () => (await relay.stream('taken')).live, { what: 'taken live' });
    const intruder = publishWithFfmpeg(relay.rtmpUrl('taken'), file, { extra: ['-t', '5'] });
    const { code } = await waitForExit(intruder, 10000);
    assert.notEqual(code, 0, 'the second publisher must be refused');
    const stats = await relay.stream('taken');
    assert.equal(stats.live, true);
    assert.equal(owner.exitCode, null, 'the first publisher is still connected');
  } finally {
    owner.kill('SIGKILL');
  }
});
