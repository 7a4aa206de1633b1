// Past broadcasts as links to their replay pages: a small list for the player and the directory,
// from /api/v1/streams/<name>/broadcasts (newest first).
import { formatDuration, textElement } from './format.js';

export function replayPath(name, id) {
  return `/live/${encodeURIComponent(name)}/replay/${Number(id)}`;
}

// "Mon, 25 Nov, 21:06": when a broadcast started, as the reader's locale writes it.
export function formatStart(ms) {
  return new Date(ms).toLocaleString(undefined,
    { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

// The stream's finished broadcasts that have something to play, newest first, at most `limit`.
export async function fetchReplays(name, limit = 5) {
  const response = await fetch(`/api/v1/streams/${encodeURIComponent(name)}/broadcasts`);
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`the server answered ${response.status}`);
  const broadcasts = await response.json();
  return broadcasts.filter((b) => !b.live && b.playlist).slice(0, limit);
}

// Fills `list` (an <ol> or <ul>) with one link per broadcast; `withName` adds the stream's name.
export function renderReplays(list, broadcasts, { withName = false } = {}) {
  list.replaceChildren(...broadcasts.map((broadcast) => {
    const item = document.createElement('li');
    item.dataset.id = String(broadcast.id);
    const label = `${withName ? `${broadcast.stream} \u00B7 ` : ''}${formatStart(broadcast.started_at)}`;
    const link = textElement('a', label);
    link.href = replayPath(broadcast.stream, broadcast.id);
    item.append(link, textElement('span', formatDuration(broadcast.duration_s ?? 0), 'duration'));
    return item;
  }));
}
