// Integration test harness: runs the real liverelay binary on free loopback ports with a
// temporary data dir, waits with deadlines (never fixed sleeps), and always cleans up.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = process.env.LIVERELAY_BIN ?? new URL('../../../build-sanitize/server/liverelay', import.meta.url).pathname;
export const BUILD_DIR = process.env.LIVERELAY_BUILD_DIR ?? new URL('../../../build-sanitize', import.meta.url).pathname;

const children = new Set();
process.on('exit', () => { for (const child of children) child.kill('SIGKILL'); });

// Tracks a child process so that a failing test never leaves it running.
export function track(child) {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Polls `probe` until it returns a truthy value or `timeoutMs` passes; returns that value.
export async function waitFor(probe, { timeoutMs = 10000, intervalMs = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (let attempt = 0; Date.now() < deadline && attempt < 100000; attempt++) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}

// Resolves with the exit code (or signal) of `child`, or rejects after `timeoutMs`.
export function waitForExit(child, timeoutMs) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process ${child.pid} still running after ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal }); });
  });
}

const SANITIZER_REPORT = /AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer/;

export class LiveRelay {
  // `dataDir`: a folder to keep across runs (the caller removes it); default a fresh one.
  // `rtmpPort`/`httpPort`: the ports of an earlier run, for a server that restarts in place.
  static async start({ config = '', args = [], dataDir, rtmpPort, httpPort } = {}) {
    const relay = new LiveRelay();
    relay.keepData = Boolean(dataDir);
    relay.dataDir = dataDir ?? mkdtempSync(join(tmpdir(), 'liverelay-test-'));
    relay.rtmpPort = rtmpPort ?? await freePort();
    relay.httpPort = httpPort ?? await freePort();
    const fullArgs = ['--rtmp', `127.0.0.1:${relay.rtmpPort}`, '--http', `127.0.0.1:${relay.httpPort}`,
      '--webrtc', '127.0.0.1:0',
      '--data-dir', relay.dataDir, ...args];
    if (config) {
      const file = join(relay.dataDir, 'liverelay.toml');
      writeFileSync(file, config);
      fullArgs.push('--config', file);
    }
    relay.output = '';
    relay.process = track(spawn(BIN, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'] }));
    relay.process.stdout.on('data', (d) => { relay.output += d; });
    relay.process.stderr.on('data', (d) => { relay.output += d; });
    await waitFor(async () => {
      if (relay.process.exitCode !== null) throw new Error(`liverelay exited: ${relay.output}`);
      return (await fetch(`${relay.httpUrl}/api/v1/server`)).ok;
    }, { what: 'liverelay to answer HTTP' });
    return relay;
  }

  get httpUrl() { return `http://127.0.0.1:${this.httpPort}`; }
  rtmpUrl(key) { return `rtmp://127.0.0.1:${this.rtmpPort}/live/${key}`; }

  async json(path) {
    const response = await fetch(`${this.httpUrl}${path}`);
    if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
    return response.json();
  }

  async stream(name) { return this.json(`/api/v1/streams/${name}`); }

  // SIGTERM, then expects exit code 0 within 5 s and no sanitizer report.
  async stop() {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGTERM');
    const { code, signal } = await waitForExit(this.process, 5000);
    if (!this.keepData) rmSync(this.dataDir, { recursive: true, force: true });
    if (SANITIZER_REPORT.test(this.output)) throw new Error(`sanitizer report:\n${this.output}`);
    if (code !== 0) throw new Error(`liverelay exited with ${code ?? signal}:\n${this.output.slice(-4000)}`);
  }

  // Kills without checks (cleanup after a failed test).
  kill() {
    if (this.process.exitCode === null) this.process.kill('SIGKILL');
    if (!this.keepData) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
