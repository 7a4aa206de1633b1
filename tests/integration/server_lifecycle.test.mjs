// The binary itself: --help, config errors, and a clean shutdown on SIGINT/SIGTERM.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { BIN, LiveRelay, waitFor, waitForExit } from './lib/harness.mjs';
import { publishWithFfmpeg, sampleFlv } from './lib/media.mjs';

test('--help lists every flag', () => {
  const help = execFileSync(BIN, ['--help']).toString();
  for (const flag of ['--config', '--rtmp', '--http', '--webrtc', '--data-dir', '--log-level']) {
    assert.ok(help.includes(flag), `--help lacks ${flag}`);
  }
});

test('an invalid config file is refused at start with its file and line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'liverelay-config-'));
  try {
    const file = join(dir, 'bad.toml');
    writeFileSync(file, '[server]\nrtmp = "127.0.0.1:1935"\nhttp = 8080\n');
    const result = spawnSync(BIN, ['--config', file], { encoding: 'utf8', timeout: 10000 });
    assert.equal(result.status, 2);
    assert.match(result.stderr, new RegExp(`${file}:3: server.http must be a string`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('flags win over the config file', async () => {
  const relay = await LiveRelay.start({ config: '[server]\nhttp = "127.0.0.1:1"\nrtmp = "127.0.0.1:2"\n' });
  try {
    const server = await relay.json('/api/v1/server'); // answered on the --http port, not on :1
    assert.ok(server.version);
  } finally {
    await relay.stop();
  }
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  test(`${signal} during a broadcast closes every handle and exits 0 within 5 s`, async () => {
    const relay = await LiveRelay.start();
    const publisher = publishWithFfmpeg(relay.rtmpUrl('bye'), sampleFlv(), { loop: true });
    try {
      await waitFor(async () => (await relay.stream('bye')).live, { what: 'bye live' });
      const keepAlive = await fetch(`${relay.httpUrl}/api/v1/server`);
      assert.equal(keepAlive.status, 200);
      relay.process.kill(signal);
      const { code } = await waitForExit(relay.process, 5000);
      assert.equal(code, 0, relay.output.slice(-3000));
      await relay.stop(); // checks for sanitizer reports
      const { code: publisherCode } = await waitForExit(publisher, 10000);
      assert.notEqual(publisherCode, null);
    } finally {
      publisher.kill('SIGKILL');
      relay.kill();
    }
  });
}
