// Low-latency HLS helpers for tests: the RFC 8216bis tags of a media playlist, parsed.
import { parsePlaylist } from './hls.mjs';

function attributes(line) {
  const out = {};
  const list = line.slice(line.indexOf(':') + 1);
  for (const match of list.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) out[match[1]] = match[2].replace(/^"|"$/g, '');
  return out;
}

// The standard view (segments) plus: version, serverControl, partTarget, skipped, preloadHint,
// and parts: every EXT-X-PART in order as { uri, duration, independent, msn, index } where msn
// is the media sequence number of the segment the part belongs to and index its place in it.
export function parseLowLatencyPlaylist(text) {
  const playlist = parsePlaylist(text);
  playlist.parts = [];
  playlist.skipped = 0;
  let msn = playlist.mediaSequence;
  let index = 0;
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    if (line.startsWith('#EXT-X-VERSION:')) playlist.version = Number(line.split(':')[1]);
    else if (line.startsWith('#EXT-X-SERVER-CONTROL:')) playlist.serverControl = attributes(line);
    else if (line.startsWith('#EXT-X-PART-INF:')) playlist.partTarget = Number(attributes(line)['PART-TARGET']);
    else if (line.startsWith('#EXT-X-SKIP:')) {
      playlist.skipped = Number(attributes(line)['SKIPPED-SEGMENTS']);
      msn += playlist.skipped;
    } else if (line.startsWith('#EXT-X-PRELOAD-HINT:')) playlist.preloadHint = attributes(line);
    else if (line.startsWith('#EXT-X-PART:')) {
      const part = attributes(line);
      playlist.parts.push({ uri: part.URI, duration: Number(part.DURATION), independent: part.INDEPENDENT === 'YES', msn, index });
      index += 1;
    } else if (!line.startsWith('#')) {
      msn += 1;
      index = 0;
    }
  }
  // After a skip the listed segments start later than EXT-X-MEDIA-SEQUENCE.
  playlist.segments.forEach((segment, i) => { segment.sequence = playlist.mediaSequence + playlist.skipped + i; });
  return playlist;
}

// The next (msn, part) a low-latency client would block on: the part after the last one listed.
export function nextPart(playlist) {
  const last = playlist.parts.at(-1);
  const openMsn = playlist.mediaSequence + playlist.skipped + playlist.segments.length;
  if (!last || last.msn < openMsn) return { msn: openMsn, part: 0 };
  return { msn: last.msn, part: last.index + 1 };
}
