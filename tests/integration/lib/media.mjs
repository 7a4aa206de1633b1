// Test media made with ffmpeg's lavfi sources, cached in the build folder, and real publishers.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';

import { BUILD_DIR, track } from './harness.mjs';

// A 1280x720 30 fps H.264 High 3.1 (CBR 2500 kb/s, keyframe every 2 s) + AAC-LC 48 kHz stereo
// 128 kb/s FLV file. CBR with filler keeps every window's bitrate close to the file's mean.
export const SAMPLE = { width: 1280, height: 720, fps: 30, seconds: 20, keyframeInterval: 2 };

export function sampleFlv() {
  const dir = join(BUILD_DIR, 'test-media');
  const file = join(dir, 'sample-720p-cbr.flv');
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const partial = `${file}.${process.pid}.partial.flv`;
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${SAMPLE.width}x${SAMPLE.height}:rate=${SAMPLE.fps}`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(SAMPLE.seconds),
    '-c:v', 'libx264', '-profile:v', 'high', '-level', '3.1', '-preset', 'veryfast', '-pix_fmt', 'yuv420p',
    '-b:v', '2500k', '-minrate', '2500k', '-maxrate', '2500k', '-bufsize', '1250k', '-x264-params', 'nal-hrd=cbr',
    '-g', '60', '-keyint_min', '60', '-sc_threshold', '0',
    '-c:a', 'aac', '-b:a', '128k', '-ac', '2', '-f', 'flv', partial]);
  renameSync(partial, file);
  return file;
}

// 20 s of 640x360 30 fps H.264 High (keyframe every 2 s) + AAC-LC 48 kHz stereo, cached as `name`.
function encodedFlv(name, bframes) {
  const dir = join(BUILD_DIR, 'test-media');
  const file = join(dir, name);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const partial = `${file}.${process.pid}.partial.flv`;
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '20',
    '-c:v', 'libx264', '-profile:v', 'high', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-bf', String(bframes),
    '-b:v', '800k', '-g', '60', '-keyint_min', '60', '-sc_threshold', '0',
    '-c:a', 'aac', '-b:a', '128k', '-ac', '2', '-f', 'flv', partial]);
  renameSync(partial, file);
  return file;
}

// With B-frames (x264 -bf 2): what the HLS tests publish.
export function bframesFlv() { return encodedFlv('bframes-360p.flv', 2); }

// Without B-frames (-bf 0, as WebRTC-minded encoders send): what the WebRTC tests publish.
export function noBframesFlv() { return encodedFlv('no-bframes-360p.flv', 0); }

// Mean bitrate of the file's audio and video packets, in kb/s (what a publisher sends).
export function meanBitrateKbps(file) {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'packet=size,pts_time',
    '-of', 'csv=p=0', file]).toString();
  let bytes = 0;
  let maxTime = 0;
  for (const line of out.split('\n')) {
    const [pts, size] = line.split(',');
    if (!size) continue;
    bytes += Number(size);
    maxTime = Math.max(maxTime, Number(pts));
  }
  return (bytes * 8) / 1000 / maxTime;
}

// ffmpeg publishing `file` in real time with stream copy (as an encoder would send it).
export function publishWithFfmpeg(url, file, { loop = false, extra = [] } = {}) {
  const args = ['-hide_banner', '-loglevel', 'error', '-re'];
  if (loop) args.push('-stream_loop', '-1');
  args.push('-i', file, '-c', 'copy', ...extra, '-f', 'flv', url);
  const child = track(spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] }));
  child.errors = '';
  child.stderr.on('data', (d) => { child.errors += d; });
  return child;
}

// GStreamer encoding live test sources: `rtmp2sink` (GStreamer's own RTMP client) or
// `rtmpsink` (librtmp, which sends the digest handshake).
export function publishWithGStreamer(url, { sink = 'rtmp2sink', seconds = 10 } = {}) {
  const frames = seconds * 30;
  const audioBuffers = Math.ceil((seconds * 48000) / 1024);
  const location = sink === 'rtmpsink' ? `${url} live=1` : url;
  const pipeline = `videotestsrc is-live=true num-buffers=${frames} ! video/x-raw,format=I420,width=640,height=360,framerate=30/1 ! ` +
    `x264enc tune=zerolatency key-int-max=60 bitrate=800 speed-preset=veryfast ! h264parse ! queue ! ` +
    `flvmux name=mux streamable=true ! ${sink} location="${location}" ` +
    `audiotestsrc is-live=true num-buffers=${audioBuffers} samplesperbuffer=1024 ! audioconvert ! audioresample ! ` +
    `audio/x-raw,rate=48000,channels=2 ! voaacenc bitrate=128000 ! aacparse ! queue ! mux.`;
  const child = track(spawn('gst-launch-1.0', ['-e', ...pipelineWords(pipeline)], { stdio: ['ignore', 'pipe', 'pipe'] }));
  child.errors = '';
  child.stderr.on('data', (d) => { child.errors += d; });
  child.stdout.on('data', () => {});
  return child;
}

// gst-launch escapes the spaces inside each argument: the pipeline goes in as words, and a
// quoted property value (librtmp's "URL live=1") as one word without its quotes.
function pipelineWords(pipeline) {
  return [...pipeline.matchAll(/(\S*"[^"]*"\S*|\S+)/g)].map((match) => match[0].replaceAll('"', ''));
}
