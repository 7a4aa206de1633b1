// Operator control with the admin token: kick ends a broadcast at once; 401 without the token.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { LiveRelay, waitFor, waitForExit } from './lib/harness.mjs';
import { publishWithFfmpeg, sampleFlv } from './lib/media.mjs';
import { parsePlaylist } from './lib/hls.mjs';

const ADMIN = 'admin-token-0123456789';

test('kick disconnects the publisher and ends the broadcast without the grace; 401 without the token', async () => {
  const relay = await LiveRelay.start({ config: `[admin]\ntoken = "${ADMIN}"\n[server]\nreconnect_grace_s = 60\n` });
  const publisher = publishWithFfmpeg(relay.rtmpUrl('cam'), sampleFlv(), { loop: true });
  const kick = (token) => fetch(`${relay.httpUrl}/api/v1/streams/cam/kick`, {
    method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  try {
    await waitFor(async () => (await relay.stream('cam')).hls?.segments >= 1, { what: 'cam live', timeoutMs: 20000 });
    assert.equal((await kick(null)).status, 401);
    assert.equal((await kick('not-the-admin-token-xx')).status, 401);
    assert.equal((await relay.stream('cam')).live, true);
    assert.equal((await kick(ADMIN)).status, 200);
    const { code } = await waitForExit(publisher, 10000);
    assert.notEqual(code, 0); // ffmpeg saw its connection closed
    assert.equal((await relay.stream('cam')).live, false);
    // Over at once, though the grace is 60 s: the playlist already has its ENDLIST.
    const playlist = parsePlaylist(await (await fetch(`${relay.httpUrl}/live/cam/index.m3u8`)).text());
    assert.ok(playlist.endList, 'ENDLIST after a kick');
    assert.match(relay.output, /kick cam: publisher connection \d+ disconnected/);
    assert.equal((await kick(ADMIN)).status, 404); // nothing live to kick
  } finally {
    publisher.kill('SIGKILL');
    await relay.stop();
  }
});
