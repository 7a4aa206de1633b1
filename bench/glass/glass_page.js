// Glass-to-glass reader page: plays ?src= with hls.js (mode hls, llhls) or over WebRTC from a WHEP
// endpoint (mode webrtc), draws every presented video frame into a canvas, decodes the clock
// pattern of pattern.py and records Date.now() minus the burnt-in time.
// The layout constants below must match bench/glass/pattern.py.
const WIDTH = 640, HEIGHT = 360, BLOCK = 40, TOP = 20, COLUMNS = 16, ROWS = 4;
const VALUE_BITS = 48, CHECK_BITS = 16;

function crc16(bytes) {  // CRC-16/CCITT-FALSE, as pattern.crc16
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

// The value carried by 64 bits (MSB first), or null when the check code does not match.
function bitsValue(bits) {
  const bytes = [];
  for (let i = 0; i < VALUE_BITS / 8; i++) {
    let byte = 0;
    for (let j = 0; j < 8; j++) byte = (byte << 1) | bits[i * 8 + j];
    bytes.push(byte);
  }
  let check = 0;
  for (let i = VALUE_BITS; i < VALUE_BITS + CHECK_BITS; i++) check = (check << 1) | bits[i];
  if (crc16(bytes) !== check) return null;
  return bytes.reduce((value, byte) => value * 256 + byte, 0);  // 48 bits: exact in a double
}

// { value (or null), ambiguous } from RGBA pixels of a frame drawn at width x height.
export function decodeFrame(data, width, height) {
  const bits = [];
  let ambiguous = 0;
  const sx = width / WIDTH, sy = height / HEIGHT;
  for (let row = 0; row < ROWS; row++) {
    for (let column = 0; column < COLUMNS; column++) {
      const x0 = Math.floor((column * BLOCK + BLOCK / 4) * sx), x1 = Math.floor((column * BLOCK + 3 * BLOCK / 4) * sx);
      const y0 = Math.floor((TOP + row * BLOCK + BLOCK / 4) * sy), y1 = Math.floor((TOP + row * BLOCK + 3 * BLOCK / 4) * sy);
      let total = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const i = (y * width + x) * 4;
          total += (data[i] + data[i + 1] + data[i + 2]) / 3;
        }
      }
      const mean = total / ((x1 - x0) * (y1 - y0));
      if (mean > 64 && mean < 192) ambiguous++;
      bits.push(mean < 128 ? 1 : 0);
    }
  }
  return { value: bitsValue(bits), ambiguous };
}

// Draws the pattern of `value` (bits only, no compression) into a canvas context: the page's
// own check that decodeFrame reads back what pattern.py writes.
function drawPattern(ctx, value, bits) {
  ctx.fillStyle = 'rgb(128,128,128)';
  ctx.fillRect(0, 0, WIDTH, HEIGHT);
  bits.forEach((bit, i) => {
    ctx.fillStyle = bit ? '#000' : '#fff';
    ctx.fillRect((i % COLUMNS) * BLOCK, TOP + Math.floor(i / COLUMNS) * BLOCK, BLOCK, BLOCK);
  });
}

const params = new URLSearchParams(location.search);
const state = window.glass = {
  samples: [],        // [wall ms, burnt-in ms] per decoded new frame
  values: [],         // every distinct decoded value, in order (self-check)
  frames: 0,          // frames handed to the callback
  crcFailures: 0, ambiguousFrames: 0, repeats: 0,
  stalls: 0, errors: [], loadedAt: Date.now(), firstFrameAt: null, ended: false,
  hlsConfig: null, callback: null, whepLocation: null,
};

function onFrame(video, ctx, width, height) {
  const wall = Date.now();
  state.frames++;
  ctx.drawImage(video, 0, 0, width, height);
  const { value, ambiguous } = decodeFrame(ctx.getImageData(0, 0, width, height).data, width, height);
  if (ambiguous) state.ambiguousFrames++;
  if (value === null) { state.crcFailures++; return; }
  const last = state.values[state.values.length - 1];
  if (value === last) { state.repeats++; return; }
  if (state.firstFrameAt === null) state.firstFrameAt = wall;
  state.values.push(value);
  state.samples.push([wall, value]);
}

// WHEP (draft-ietf-wish-whep) as a browser player does it: receive-only video and audio, the
// offer POSTed without waiting for candidates (the server is ICE-lite and learns ours from our
// checks), the answer applied. The video element shows the MediaStream as it arrives.
async function startWhep(video, url) {
  const pc = new RTCPeerConnection({ iceServers: [] });
  window.glassPc = pc;
  pc.addTransceiver('video', { direction: 'recvonly' });
  // ?audio=0: video alone, to see what lip sync with the Opus track costs.
  if (params.get('audio') !== '0') pc.addTransceiver('audio', { direction: 'recvonly' });
  pc.ontrack = (event) => {
    if (event.track.kind !== 'video') return;
    video.srcObject = event.streams[0] ?? new MediaStream([event.track]);
    video.play().catch((e) => state.errors.push(`play: ${e.message}`));
  };
  pc.onconnectionstatechange = () => {
    if (pc.connectionState === 'failed' || pc.connectionState === 'disconnected') state.errors.push(`connection ${pc.connectionState}`);
  };
  await pc.setLocalDescription(await pc.createOffer());
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: pc.localDescription.sdp });
  const answer = await response.text();
  if (response.status !== 201) throw new Error(`WHEP POST: ${response.status} ${answer.trim()}`);
  state.whepLocation = new URL(response.headers.get('location'), url).href;
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
}

// The receiver's own view of the video track: how long frames waited in its jitter buffer, how
// long decoding took, what was lost or frozen (W3C webrtc-stats RTCInboundRtpStreamStats).
window.glassRtcStats = async () => {
  const out = { connection: window.glassPc.connectionState, codecs: {} };
  const report = await window.glassPc.getStats();
  report.forEach((s) => { if (s.type === 'codec') out.codecs[s.id] = s.mimeType; });
  report.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') {
      Object.assign(out, { mimeType: out.codecs[s.codecId], framesDecoded: s.framesDecoded, framesDropped: s.framesDropped,
        freezeCount: s.freezeCount, totalFreezesDuration: s.totalFreezesDuration, packetsLost: s.packetsLost,
        nackCount: s.nackCount, pliCount: s.pliCount, jitterBufferDelay: s.jitterBufferDelay,
        jitterBufferEmittedCount: s.jitterBufferEmittedCount, totalDecodeTime: s.totalDecodeTime,
        frameWidth: s.frameWidth, frameHeight: s.frameHeight });
    }
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      Object.assign(out, { audioMimeType: out.codecs[s.codecId], audioJitterBufferDelay: s.jitterBufferDelay,
        audioJitterBufferEmittedCount: s.jitterBufferEmittedCount });
    }
    // RTCAudioPlayoutStats: what the audio device adds after the jitter buffer (lip sync waits for it too).
    if (s.type === 'media-playout') Object.assign(out, { totalPlayoutDelay: s.totalPlayoutDelay, totalSamplesCount: s.totalSamplesCount });
    if (s.type === 'candidate-pair' && s.nominated) out.roundTripTime = s.currentRoundTripTime;
  });
  return out;
};

// Ends the WHEP session as a leaving player does (DELETE on the Location of the POST's answer).
window.glassWhepDelete = async () => {
  if (state.whepLocation) await fetch(state.whepLocation, { method: 'DELETE' }).catch(() => {});
  window.glassPc?.close();
};

function start() {
  const video = document.querySelector('video');
  const canvas = document.querySelector('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  video.addEventListener('waiting', () => { if (state.firstFrameAt !== null) state.stalls++; });
  video.addEventListener('ended', () => { state.ended = true; });
  if (params.get('mode') === 'webrtc') {
    startWhep(video, params.get('src')).catch((e) => state.errors.push(`whep: ${e.message}`));
  } else {
    startHls(video);
  }
  const tick = () => {
    if (video.videoWidth) {
      if (canvas.width !== video.videoWidth) { canvas.width = video.videoWidth; canvas.height = video.videoHeight; }
      onFrame(video, ctx, canvas.width, canvas.height);
    }
    schedule();
  };
  // requestVideoFrameCallback fires once per presented frame; rAF is the fallback.
  const schedule = 'requestVideoFrameCallback' in video
    ? () => video.requestVideoFrameCallback(tick) : () => requestAnimationFrame(tick);
  state.callback = 'requestVideoFrameCallback' in video ? 'requestVideoFrameCallback' : 'requestAnimationFrame';
  schedule();
}

function startHls(video) {
  // The same settings as liverelay's own player (web/static/live_player.js), plus the mode.
  const config = { liveDurationInfinity: true, backBufferLength: 30, maxLiveSyncPlaybackRate: 1.5, lowLatencyMode: params.get('mode') === 'llhls',
    ...JSON.parse(params.get('hlsjs') || '{}') };
  state.hlsConfig = config;
  const hls = new window.Hls(config);
  hls.on(window.Hls.Events.ERROR, (_, data) => {
    if (state.errors.length < 50) state.errors.push(`${data.fatal ? 'fatal ' : ''}${data.type}:${data.details}`);
    if (data.fatal && data.type === window.Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
  });
  hls.on(window.Hls.Events.MANIFEST_PARSED, () => video.play().catch((e) => state.errors.push(`play: ${e.message}`)));
  hls.loadSource(params.get('src'));
  hls.attachMedia(video);
  window.glassHls = hls;
}

// The page's unit check: patterns drawn without compression decode exactly, and every single
// flipped bit is refused by the check code. Returns a list of failures (empty: pass).
window.glassUnitCheck = (cases) => {
  const canvas = document.createElement('canvas');
  canvas.width = WIDTH; canvas.height = HEIGHT;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const failures = [];
  for (const { value, bits } of cases) {
    drawPattern(ctx, value, bits);
    const got = decodeFrame(ctx.getImageData(0, 0, WIDTH, HEIGHT).data, WIDTH, HEIGHT);
    if (got.value !== value || got.ambiguous) failures.push(`value ${value}: decoded ${got.value}, ${got.ambiguous} ambiguous`);
    for (let i = 0; i < bits.length; i++) {
      const flipped = bits.slice();
      flipped[i] ^= 1;
      if (bitsValue(flipped) !== null) failures.push(`value ${value}: bit ${i} flipped still passes the check`);
    }
  }
  return failures;
};

if (params.get('src')) start();
