#!/usr/bin/env node
// Glass-to-glass reader: headless Debian Chromium (playwright-core) opens glass_page.html from a
// loopback page server, plays --src with hls.js (or, with --mode webrtc, from the WHEP endpoint
// --src over WebRTC) and decodes the burnt-in clock of every frame.
// Prints one JSON object on stdout: latencies (ms) after the warm-up, decode counters, errors.
//
//   node bench/glass/reader.mjs --src http://127.0.0.1:8080/live/glass/index.m3u8 \
//     [--mode hls|llhls] [--seconds 30] [--warmup 5] [--hlsjs '{"maxLiveSyncPlaybackRate":1.5}']
//   node bench/glass/reader.mjs --mode webrtc --src http://127.0.0.1:8080/live/glass/whep [--video-only]
//   (self-check) --serve-dir DIR --src /media/index.m3u8 --until-ended --unit-cases cases.json --values
import { readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium, HLS_JS, WEBRTC_ARGS } from '../../tests/integration/lib/browser.mjs';

const HERE = new URL('.', import.meta.url).pathname;
const { values: opts } = parseArgs({
  options: {
    src: { type: 'string' }, mode: { type: 'string', default: 'hls' },
    seconds: { type: 'string', default: '30' }, warmup: { type: 'string', default: '5' },
    'first-frame-timeout': { type: 'string', default: '40' }, hlsjs: { type: 'string', default: '{}' },
    'serve-dir': { type: 'string' }, 'until-ended': { type: 'boolean', default: false },
    'unit-cases': { type: 'string' }, values: { type: 'boolean', default: false },
    'video-only': { type: 'boolean', default: false },
    screenshot: { type: 'string' },
  },
});
if (!opts.src || !['hls', 'llhls', 'webrtc'].includes(opts.mode)) {
  console.error('usage: reader.mjs --src PLAYLIST_OR_WHEP_URL [--mode hls|llhls|webrtc] [--seconds N] [--warmup N]');
  process.exit(2);
}
const seconds = Number(opts.seconds), warmup = Number(opts.warmup);
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t', '.mp4': 'video/mp4', '.m4s': 'video/iso.segment' };

// The page, its script, hls.js (the file liverelay serves at /vendor/hls.min.js) and, for the
// self-check, the files of --serve-dir under /media/.
function servePage() {
  const files = { '/': join(HERE, 'glass_page.html'), '/glass_page.js': join(HERE, 'glass_page.js'), '/hls.min.js': HLS_JS };
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    let file = files[path];
    if (!file && opts['serve-dir'] && path.startsWith('/media/')) {
      const relative = normalize(path.slice('/media/'.length));
      if (!relative.startsWith('..')) file = join(opts['serve-dir'], relative);
    }
    if (!file || !existsSync(file)) { response.writeHead(404); response.end(); return; }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    response.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function summary(state, startMs) {
  const kept = state.samples.filter(([wall]) => wall >= startMs);
  const latencies = kept.map(([wall, burnt]) => wall - burnt);
  // Frames the page never saw: gaps in the burnt-in clock wider than one frame interval.
  let missed = 0;
  for (let i = 1; i < kept.length; i++) missed += Math.max(0, Math.round((kept[i][1] - kept[i - 1][1]) / (1000 / 30)) - 1);
  return { latencies_ms: latencies, missed_frames: missed };
}

async function main() {
  const server = await servePage();
  const pageBase = `http://127.0.0.1:${server.address().port}`;
  const webrtc = opts.mode === 'webrtc';
  // WebRTC: raw loopback IPs as candidates, not mDNS names (DEPS.md).
  const browser = await launchChromium({ extraArgs: webrtc ? WEBRTC_ARGS : [] });
  const out = { mode: opts.mode, src: opts.src };
  try {
    const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const query = new URLSearchParams({ src: opts.src, mode: opts.mode, hlsjs: opts.hlsjs, audio: opts['video-only'] ? '0' : '1' });
    await page.goto(`${pageBase}/?${query}`, { timeout: 15000 });
    await page.waitForFunction(() => window.glass && window.glassUnitCheck, null, { timeout: 15000 });
    if (opts['unit-cases']) {
      out.unit_failures = await page.evaluate((cases) => window.glassUnitCheck(cases), JSON.parse(readFileSync(opts['unit-cases'])));
    }
    await page.waitForFunction(() => window.glass.firstFrameAt !== null, null, { timeout: Number(opts['first-frame-timeout']) * 1000 })
      .catch(() => {});
    let state = await page.evaluate(() => window.glass);
    if (state.firstFrameAt === null) throw new Error(`no decodable frame within ${opts['first-frame-timeout']} s; `
      + `frames ${state.frames}, check failures ${state.crcFailures}, errors ${state.errors.join(', ') || 'none'}`);
    const measureFrom = state.firstFrameAt + warmup * 1000, measureUntil = measureFrom + seconds * 1000;
    for (let i = 0; i < 100000 && Date.now() < measureUntil; i++) {  // bounded: ends by the deadline
      await sleep(Math.min(500, Math.max(1, measureUntil - Date.now())));
      // The receiver's counters as the window opens: glass.py reports the window's share.
      if (webrtc && !out.webrtc_at_start && Date.now() >= measureFrom) out.webrtc_at_start = await page.evaluate(() => window.glassRtcStats());
      if (opts['until-ended'] && await page.evaluate(() => window.glass.ended)) break;
    }
    state = await page.evaluate(() => ({ ...window.glass, hlsLatency: window.glassHls?.latency, hlsTargetLatency: window.glassHls?.targetLatency }));
    if (webrtc) out.webrtc = await page.evaluate(() => window.glassRtcStats());
    if (opts.screenshot) await page.screenshot({ path: opts.screenshot });
    if (webrtc) await page.evaluate(() => window.glassWhepDelete());
    Object.assign(out, summary(state, opts['until-ended'] ? 0 : measureFrom), {
      first_frame_s: (state.firstFrameAt - state.loadedAt) / 1000, frames_seen: state.frames,
      decoded: state.values.length, check_failures: state.crcFailures, ambiguous_frames: state.ambiguousFrames,
      stalls: state.stalls, callback: state.callback, hls_config: state.hlsConfig,
      hls_latency_s: state.hlsLatency, hls_target_latency_s: state.hlsTargetLatency,
      hls_errors: state.errors, page_errors: pageErrors,
    });
    if (opts.values) out.values = state.values;
  } finally {
    await browser.close();
    server.close();
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

const watchdog = setTimeout(() => { console.error('reader: overall deadline passed'); process.exit(3); },
  (Number(opts['first-frame-timeout']) + warmup + seconds + 60) * 1000);
main().then(() => { clearTimeout(watchdog); }, (error) => { console.error(`reader: ${error.message}`); process.exit(1); });
