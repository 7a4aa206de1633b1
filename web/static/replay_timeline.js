// A replay's timeline, pure (no DOM): where the playback is in the broadcast (ms from its start)
// and what had been written by then. Node's tests import this file directly.

// The segments of a media playlist: [{ sequence, start, duration, pdt, discontinuity }], start
// and duration in seconds from the playlist's first segment, pdt in ms since the epoch (or null).
export function parsePlaylistSegments(text) {
  const segments = [];
  let next = { duration: null, pdt: null, discontinuity: false };
  let start = 0;
  let sequence = 0;
  for (const raw of String(text).split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) {
      sequence = Number.parseInt(line.slice(22), 10) || 0;
    } else if (line.startsWith('#EXTINF:')) {
      next.duration = Number.parseFloat(line.slice(8));
    } else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) {
      const when = Date.parse(line.slice(25));
      next.pdt = Number.isFinite(when) ? when : null;
    } else if (line === '#EXT-X-DISCONTINUITY') {
      next.discontinuity = true;
    } else if (line && !line.startsWith('#')) {
      const duration = Number.isFinite(next.duration) ? next.duration : 0;
      segments.push({ sequence, start, duration, pdt: next.pdt, discontinuity: next.discontinuity });
      sequence += 1;
      start += duration;
      next = { duration: null, pdt: null, discontinuity: false };
    }
  }
  return segments;
}

// The same from hls.js' level details (fragments with sn, start, duration, programDateTime, cc).
export function segmentsFromFragments(fragments) {
  return (fragments ?? []).map((fragment, i) => ({
    sequence: fragment.sn,
    start: fragment.start,
    duration: fragment.duration,
    pdt: Number.isFinite(fragment.programDateTime) ? fragment.programDateTime : null,
    discontinuity: i > 0 && fragment.cc !== fragments[i - 1].cc,
  }));
}

// Maps the video's currentTime (s) to the broadcast's offset (ms). The recording has no gap
// where the wall clock had one (a reconnect within the grace), and a live DVR window may start
// after the broadcast did: each continuous run of segments (between discontinuities) is placed
// by its first segment's EXT-X-PROGRAM-DATE-TIME, and counts media time inside the run, so the
// offset never jumps back while playing through a run. Without dates: currentTime itself.
export function broadcastClock(segments, startedAt) {
  const runs = [];
  for (const segment of segments ?? []) {
    if (runs.length === 0 || segment.discontinuity) {
      runs.push({ start: segment.start, base: segment.pdt === null ? null : segment.pdt - startedAt });
    }
  }
  // The recording's first segment (sequence 0: no DVR window cut it) starts when its first
  // keyframe arrived, a moment after the publish began: that is the broadcast's 0, and a
  // comment shows at its offset_ms of media, as it arrived beside the live video.
  if (runs.length > 0 && segments[0].sequence === 0) runs[0].base = 0;
  return (currentTime) => {
    let run = null;
    for (const candidate of runs) {
      if (candidate.start <= currentTime + 0.001) run = candidate;
      else break;
    }
    if (!run || run.base === null) return currentTime * 1000;
    return run.base + (currentTime - run.start) * 1000;
  };
}

// How many of `sortedOffsets` (ascending ms) are at or before `ms`: the comments visible then.
export function visibleCount(sortedOffsets, ms) {
  let low = 0;
  let high = sortedOffsets.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sortedOffsets[mid] <= ms) low = mid + 1;
    else high = mid;
  }
  return low;
}

// Comments in the order they were written, each with its offset; ties keep the API's order.
export function sortComments(comments) {
  return [...(comments ?? [])]
    .map((comment, index) => ({ comment, index, offset: Number(comment.offset_ms ?? 0) }))
    .sort((a, b) => a.offset - b.offset || a.index - b.index)
    .map(({ comment }) => comment);
}

// What the list of at most `maxItems` comments does when the playhead moves from `shown`
// visible comments to `visible`: playing on adds the new ones; a seek back, or forward past
// more than the list holds, replaces the list with the newest `maxItems` visible then.
export function commentChanges(comments, shown, visible, maxItems = 200) {
  if (visible >= shown && visible - shown <= maxItems) return { add: comments.slice(shown, visible) };
  return { replace: comments.slice(Math.max(0, visible - maxItems), visible) };
}

// Running reaction totals per kind at `ms`: every second counted once the playback reached it.
export function reactionTotals(reactions, ms) {
  const totals = {};
  for (const reaction of reactions ?? []) {
    if (Number(reaction.offset_s) * 1000 > ms) continue;
    totals[reaction.kind] = (totals[reaction.kind] ?? 0) + Number(reaction.count ?? 0);
  }
  return totals;
}
