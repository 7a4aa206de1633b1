// Live HLS from an RTMP publisher, in MPEG-TS and in fMP4: real players (ffprobe, ffmpeg) read
// it through, and the playlists follow RFC 8216.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';

import { LiveRelay, track, waitFor, waitForExit } from './lib/harness.mjs';
import { fetchPlaylist, firstTimestamps } from './lib/hls.mjs';
import { bframesFlv, publishWithFfmpeg, sampleFlv } from './lib/media.mjs';

const FORMATS = { ts: { segment: 'video/mp2t' }, fmp4: { segment: 'video/mp4' } };

function ffprobeStreams(url) {
  const child = track(spawn('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width,height',
    '-of', 'json', url], { stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  return waitForExit(child, 20000).then(({ code }) => { assert.equal(code, 0); return JSON.parse(out).streams; });
}

for (const [format, expected] of Object.entries(FORMATS)) {
  describe(`HLS ${format}`, () => {
    test(`a 20 s B-frame broadcast plays through ffmpeg, with honest playlists (${format})`, async () => {
      const relay = await LiveRelay.start({
        config: `[server]\nreconnect_grace_s = 2\n[hls]\nformat = "${format}"\nlow_latency = false\nsegment_s = 2\nwindow = 4\n`,
      });
      try {
        const url = `${relay.httpUrl}/live/cam/index.m3u8`;
        assert.equal((await fetch(url)).status, 404, 'no playlist before the stream is live');
        const publisher = publishWithFfmpeg(relay.rtmpUrl('cam'), bframesFlv());
        await waitFor(async () => (await fetchPlaylist(url)).playlist.segments.length >= 2,
          { timeoutMs: 15000, what: 'two segments listed' });

        const streams = await ffprobeStreams(url);
        const video = streams.find((s) => s.codec_name === 'h264');
        assert.ok(video, JSON.stringify(streams));
        assert.equal(video.width, 640);
        assert.equal(video.height, 360);
        assert.ok(streams.find((s) => s.codec_name === 'aac'), JSON.stringify(streams));
        const stats = await relay.stream('cam');
        assert.ok(stats.hls.segments >= 2, JSON.stringify(stats.hls));
        assert.ok(stats.hls.sessions >= 1, 'playlist polls are counted as playback sessions');
        assert.equal(typeof stats.hls.listing_delay_ms.p99, 'number');

        // A player reading the live stream from here to its end, copying every packet.
        const reader = track(spawn('ffmpeg', ['-v', 'error', '-i', url, '-c', 'copy', '-f', 'null', '-'],
          { stdio: ['ignore', 'ignore', 'pipe'] }));
        let readerErrors = '';
        reader.stderr.on('data', (d) => { readerErrors += d; });

        const seen = new Map();
        let previous = null;
        for (let polls = 0; polls < 200 && publisher.exitCode === null; polls++) {
          const { response, playlist } = await fetchPlaylist(url);
          assert.equal(response.headers.get('content-type'), 'application/vnd.apple.mpegurl');
          assert.equal(response.headers.get('access-control-allow-origin'), '*');
          assert.match(response.headers.get('cache-control'), /max-age=1/);
          for (const segment of playlist.segments) {
            assert.ok(playlist.targetDuration >= Math.round(segment.duration),
              `TARGETDURATION ${playlist.targetDuration} < EXTINF ${segment.duration}`);
            if (!seen.has(segment.uri)) seen.set(segment.uri, segment);
          }
          if (previous) {
            const dropped = previous.segments.filter((s) => !playlist.segments.some((t) => t.uri === s.uri)).length;
            assert.equal(playlist.mediaSequence - previous.mediaSequence, dropped, 'media sequence vs dropped segments');
          }
          previous = playlist;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        assert.ok(seen.size >= 6, `only ${seen.size} segments seen`);

        const inits = new Map();
        for (const segment of [...seen.values()].slice(-4)) {
          const response = await fetch(new URL(segment.uri, url));
          assert.equal(response.status, 200, segment.uri);
          assert.equal(response.headers.get('content-type'), expected.segment);
          assert.match(response.headers.get('cache-control'), /immutable/);
          let bytes = Buffer.from(await response.arrayBuffer());
          if (format === 'fmp4') {
            if (!inits.has(segment.map)) {
              const init = await fetch(new URL(segment.map, url));
              assert.equal(init.status, 200);
              assert.equal(init.headers.get('content-type'), 'video/mp4');
              inits.set(segment.map, Buffer.from(await init.arrayBuffer()));
            }
            bytes = Buffer.concat([inits.get(segment.map), bytes]);
          }
          const first = firstTimestamps(bytes);
          assert.ok('video' in first && 'audio' in first, JSON.stringify(first));
          assert.ok(Math.abs(first.video - first.audio) <= 0.1, `${segment.uri}: ${JSON.stringify(first)}`);
        }

        const { code } = await waitForExit(reader, 30000);
        assert.equal(code, 0, readerErrors);
        assert.equal(readerErrors.trim(), '', 'the player reported errors');
        const { playlist } = await fetchPlaylist(url);
        assert.equal(playlist.endList, true, 'EXT-X-ENDLIST after the broadcast ends');
      } finally {
        await relay.stop();
      }
    });
  });
}

test('a reconnect within the grace continues the playlist behind a discontinuity; after it, ENDLIST', async () => {
  const relay = await LiveRelay.start({ config: '[server]\nreconnect_grace_s = 4\n[hls]\nsegment_s = 2\nwindow = 10\n' });
  try {
    const url = `${relay.httpUrl}/live/again/index.m3u8`;
    const first = publishWithFfmpeg(relay.rtmpUrl('again'), bframesFlv(), { extra: ['-t', '5'] });
    await waitForExit(first, 20000);
    const before = (await fetchPlaylist(url)).playlist;
    assert.equal(before.endList, false, 'no ENDLIST within the grace');
    const lastBefore = before.segments.at(-1).sequence;

    const second = publishWithFfmpeg(relay.rtmpUrl('again'), bframesFlv(), { extra: ['-t', '5'] });
    const after = await waitFor(async () => {
      const { playlist } = await fetchPlaylist(url);
      return playlist.segments.some((s) => s.sequence > lastBefore) ? playlist : null;
    }, { timeoutMs: 15000, what: 'segments of the second publisher' });
    const resumed = after.segments.find((s) => s.sequence === lastBefore + 1);
    assert.ok(resumed, 'the media sequence continues');
    assert.equal(resumed.discontinuity, true, 'EXT-X-DISCONTINUITY before the reconnect');
    assert.equal(after.segments.filter((s) => s.discontinuity).length, 1);

    await waitForExit(second, 20000);
    const ended = await waitFor(async () => {
      const { playlist } = await fetchPlaylist(url);
      return playlist.endList ? playlist : null;
    }, { timeoutMs: 10000, what: 'ENDLIST after the grace' });
    assert.ok(ended.segments.length >= 4);
  } finally {
    await relay.stop();
  }
});

for (const [kind, flags, codec] of [['audio-only', ['-vn'], 'aac'], ['video-only', ['-an'], 'h264']]) {
  test(`an ${kind} stream becomes HLS`, async () => {
    const relay = await LiveRelay.start({ config: '[hls]\nsegment_s = 1\n' });
    const publisher = publishWithFfmpeg(relay.rtmpUrl(kind), bframesFlv(), { loop: true, extra: flags });
    try {
      const url = `${relay.httpUrl}/live/${kind}/index.m3u8`;
      await waitFor(async () => (await fetchPlaylist(url)).playlist.segments.length >= 2,
        { timeoutMs: 15000, what: `${kind} segments` });
      const streams = await ffprobeStreams(url);
      assert.deepEqual(streams.map((s) => s.codec_name), [codec]);
    } finally {
      publisher.kill('SIGKILL');
      await relay.stop();
    }
  });
}

test('TS from an encoder sending HRD buffering-period SEI reads without decoder complaints', async () => {
  // x264 with nal-hrd=cbr (as OBS in CBR mode) puts a buffering-period SEI, which names its SPS,
  // before each IDR: the SPS must come before that SEI in the segment.
  const relay = await LiveRelay.start({ config: '[hls]\nsegment_s = 1\n' });
  const publisher = publishWithFfmpeg(relay.rtmpUrl('hrd'), sampleFlv(), { loop: true });
  try {
    const url = `${relay.httpUrl}/live/hrd/index.m3u8`;
    await waitFor(async () => (await fetchPlaylist(url)).playlist.segments.length >= 3,
      { timeoutMs: 15000, what: 'three segments' });
    const reader = track(spawn('ffmpeg', ['-v', 'error', '-i', url, '-t', '3', '-c', 'copy', '-f', 'null', '-'],
      { stdio: ['ignore', 'ignore', 'pipe'] }));
    let errors = '';
    reader.stderr.on('data', (d) => { errors += d; });
    const { code } = await waitForExit(reader, 20000);
    assert.equal(code, 0, errors);
    assert.equal(errors.trim(), '', 'the reader reported errors');
  } finally {
    publisher.kill('SIGKILL');
    await relay.stop();
  }
});
