// Figures as people read them: durations, sizes, and the stream name in a page's URL.

// 75 -> "1:15", 3725 -> "1:02:05".
export function formatDuration(seconds) {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function formatMegabytes(bytes) {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

// "/live/cam1/" -> "cam1"; null when the path is not a player's.
export function streamNameFromPath(pathname) {
  const match = /^\/live\/([^/]+)\/$/.exec(pathname);
  return match ? decodeURIComponent(match[1]) : null;
}

export function playerPath(name) {
  return `/live/${encodeURIComponent(name)}/`;
}

// An element with text content: user-written text only ever goes through textContent.
export function textElement(tag, text, className) {
  const element = document.createElement(tag);
  element.textContent = text;
  if (className) element.className = className;
  return element;
}
