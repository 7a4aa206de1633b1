// HLS helpers for tests: fetch and parse media playlists, probe segments with ffprobe.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The tags and segments of a media playlist (RFC 8216 4.3).
export function parsePlaylist(text) {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const playlist = { targetDuration: null, mediaSequence: 0, endList: false, map: null, segments: [], raw: text };
  let pending = { discontinuity: false };
  for (const line of lines) {
    if (line.startsWith('#EXT-X-TARGETDURATION:')) playlist.targetDuration = Number(line.split(':')[1]);
    else if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) playlist.mediaSequence = Number(line.split(':')[1]);
    else if (line === '#EXT-X-ENDLIST') playlist.endList = true;
    else if (line === '#EXT-X-DISCONTINUITY') pending.discontinuity = true;
    else if (line.startsWith('#EXT-X-MAP:')) pending.map = /URI="([^"]+)"/.exec(line)[1];
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) pending.programDateTime = Date.parse(line.slice(25));
    else if (line.startsWith('#EXTINF:')) pending.duration = Number(line.slice(8).split(',')[0]);
    else if (!line.startsWith('#')) {
      if (pending.map) playlist.map = pending.map;
      playlist.segments.push({ uri: line, map: playlist.map, ...pending });
      pending = { discontinuity: false };
    }
  }
  playlist.segments.forEach((segment, i) => { segment.sequence = playlist.mediaSequence + i; });
  return playlist;
}

export async function fetchPlaylist(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return { response, playlist: parsePlaylist(await response.text()) };
}

// First packet time of each stream of a segment (with its init segment for fMP4), in seconds.
export function firstTimestamps(bytes) {
  const dir = mkdtempSync(join(tmpdir(), 'liverelay-seg-'));
  try {
    const file = join(dir, 'segment');
    writeFileSync(file, bytes);
    const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'packet=codec_type,dts_time',
      '-of', 'csv=p=0', file]).toString();
    const first = {};
    for (const line of out.split('\n')) {
      const [type, dts] = line.split(',');
      if (type && dts && !(type in first)) first[type] = Number(dts);
    }
    return first;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
