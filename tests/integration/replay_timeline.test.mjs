// The replay page's pure timeline (web/static/replay_timeline.js), imported as the browser does:
// which comments are visible at a playback position, what the list does on play and on seeks,
// reaction totals, and currentTime mapped to the broadcast's offset through the playlist's
// dates (reconnect gaps, a live DVR window that no longer starts at the broadcast's start).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  broadcastClock, commentChanges, parsePlaylistSegments, reactionTotals, segmentsFromFragments, sortComments,
  visibleCount,
} from '../../web/static/replay_timeline.js';

const comment = (id, offsetMs) => ({ id, user: 'u', text: `c${id}`, ts: 1000 + offsetMs, offset_ms: offsetMs });

test('visibleCount counts the offsets at or before a time, binary search over any size', () => {
  const offsets = [0, 1000, 1000, 2500, 10000];
  assert.equal(visibleCount(offsets, -1), 0);
  assert.equal(visibleCount(offsets, 0), 1);
  assert.equal(visibleCount(offsets, 999.9), 1);
  assert.equal(visibleCount(offsets, 1000), 3);
  assert.equal(visibleCount(offsets, 9999), 4);
  assert.equal(visibleCount(offsets, 10000), 5);
  assert.equal(visibleCount(offsets, Infinity), 5);
  assert.equal(visibleCount([], 5000), 0);
  const many = Array.from({ length: 10001 }, (_, i) => i * 10);
  for (const ms of [0, 5, 12345, 99999, 100000, 100001]) {
    assert.equal(visibleCount(many, ms), many.filter((o) => o <= ms).length, `at ${ms}`);
  }
});

test('comments are sorted by offset, ties in the API order', () => {
  const sorted = sortComments([comment(3, 5000), comment(1, 1000), comment(2, 5000), comment(4, 0)]);
  assert.deepEqual(sorted.map((c) => c.id), [4, 1, 3, 2]);
  assert.deepEqual(sortComments(undefined), []);
});

test('playing on adds the comments reached; a seek back or a long seek forward replaces the list', () => {
  const comments = [0, 1000, 2000, 3000, 4000].map((offset, i) => comment(i + 1, offset));
  assert.deepEqual(commentChanges(comments, 0, 2, 200), { add: comments.slice(0, 2) });
  assert.deepEqual(commentChanges(comments, 2, 2, 200), { add: [] });
  assert.deepEqual(commentChanges(comments, 2, 5, 200), { add: comments.slice(2, 5) });
  // Back: what is after the new position leaves.
  assert.deepEqual(commentChanges(comments, 5, 1, 200), { replace: comments.slice(0, 1) });
  assert.deepEqual(commentChanges(comments, 5, 0, 200), { replace: [] });
  // Forward past more than the list holds: only the newest `maxItems`.
  assert.deepEqual(commentChanges(comments, 0, 5, 2), { replace: comments.slice(3, 5) });
  // Back with more visible than the list holds: the newest visible then.
  assert.deepEqual(commentChanges(comments, 5, 4, 2), { replace: comments.slice(2, 4) });
  // Afresh (new comments loaded): Infinity as `shown` replaces.
  assert.deepEqual(commentChanges(comments, Infinity, 3, 200), { replace: comments.slice(0, 3) });
});

test('reaction totals count each second once the playback reached it', () => {
  const reactions = [{ offset_s: 1, kind: 'like', count: 2 }, { offset_s: 1, kind: 'wow', count: 1 },
    { offset_s: 5, kind: 'like', count: 3 }];
  assert.deepEqual(reactionTotals(reactions, 999), {});
  assert.deepEqual(reactionTotals(reactions, 1000), { like: 2, wow: 1 });
  assert.deepEqual(reactionTotals(reactions, 4999), { like: 2, wow: 1 });
  assert.deepEqual(reactionTotals(reactions, 5000), { like: 5, wow: 1 });
});

const STARTED = Date.parse('2025-01-01T10:00:00.000Z');
const iso = (ms) => new Date(ms).toISOString();

test('a playlist is read into segments with their dates, sequence and discontinuities', () => {
  const text = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    `#EXT-X-PROGRAM-DATE-TIME:${iso(STARTED + 120)}`, '#EXTINF:2.000,', '0.ts',
    `#EXT-X-PROGRAM-DATE-TIME:${iso(STARTED + 2120)}`, '#EXTINF:1.500,', '1.ts',
    '#EXT-X-DISCONTINUITY', `#EXT-X-PROGRAM-DATE-TIME:${iso(STARTED + 9000)}`, '#EXTINF:2.000,', '2.ts',
    '#EXT-X-ENDLIST', ''].join('\n');
  assert.deepEqual(parsePlaylistSegments(text), [
    { sequence: 0, start: 0, duration: 2, pdt: STARTED + 120, discontinuity: false },
    { sequence: 1, start: 2, duration: 1.5, pdt: STARTED + 2120, discontinuity: false },
    { sequence: 2, start: 3.5, duration: 2, pdt: STARTED + 9000, discontinuity: true },
  ]);
});

test('the clock: currentTime from the start, then the wall-clock gap of a reconnect added', () => {
  const segments = [
    { sequence: 0, start: 0, duration: 2, pdt: STARTED + 120, discontinuity: false },
    { sequence: 1, start: 2, duration: 1.5, pdt: STARTED + 2200, discontinuity: false },
    // The publisher was away 5.38 s: the recording goes on at 3.5 s, the wall clock at 9 s.
    { sequence: 2, start: 3.5, duration: 2, pdt: STARTED + 9000, discontinuity: true },
  ];
  const clock = broadcastClock(segments, STARTED);
  assert.equal(clock(0), 0);
  assert.equal(clock(3), 3000, 'inside the first run: media time, never the jitter of a later date');
  assert.equal(clock(3.5), 9000);
  assert.equal(clock(4.5), 10000);
  // A comment written during the gap (offset 6000) shows when the playback crosses the gap.
  const offsets = [2000, 6000, 9500];
  assert.equal(visibleCount(offsets, clock(3.4)), 1);
  assert.equal(visibleCount(offsets, clock(3.5)), 2);
  assert.equal(visibleCount(offsets, clock(4)), 3);
});

test('the clock of a live DVR window that no longer starts at the broadcast\'s start follows the dates', () => {
  const fragments = [
    { sn: 600, start: 0, duration: 2, programDateTime: STARTED + 1200130, cc: 0 },
    { sn: 601, start: 2, duration: 2, programDateTime: STARTED + 1202130, cc: 0 },
  ];
  const segments = segmentsFromFragments(fragments);
  assert.deepEqual(segments.map((s) => [s.sequence, s.discontinuity]), [[600, false], [601, false]]);
  const clock = broadcastClock(segments, STARTED);
  assert.equal(clock(0), 1200130);
  assert.equal(clock(3), 1203130);
});

test('without dates or segments the clock is currentTime itself', () => {
  assert.equal(broadcastClock([], STARTED)(12.5), 12500);
  assert.equal(broadcastClock([{ sequence: 4, start: 0, duration: 2, pdt: null, discontinuity: false }], STARTED)(1), 1000);
});
