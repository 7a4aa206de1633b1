// The directory: every live stream with its viewers and uptime, refreshed from /api/v1/streams
// every few seconds (the uptime ticks in between), and the last replays.
import { formatDuration, playerPath, textElement } from './format.js';
import { fetchReplays, renderReplays } from './replay_list.js';

const POLL_MS = 3000;
const REPLAY_STREAMS = 10;  // the replays of at most this many streams are asked for
const REPLAYS_SHOWN = 6;
const REPLAYS_MS = 30000;   // and again after this (a broadcast ends only after the reconnect grace)
const $ = (id) => document.getElementById(id);

let streams = [];   // the live ones, as the API last listed them
let fetchedAt = 0;  // performance.now() of that listing
let replaysOf = null;  // the streams (and their live states) the replay list was made from
let replaysAt = 0;     // performance.now() of that

function card(stream) {
  const item = document.createElement('li');
  item.className = 'stream-card';
  item.dataset.name = stream.name;
  const link = textElement('a', stream.name);
  link.href = playerPath(stream.name);
  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.append(textElement('span', 'LIVE', 'badge live'), textElement('span', '', 'viewers-now'),
    textElement('span', '', 'uptime'));
  if (stream.video) meta.append(textElement('span', `${stream.video.width}\u00D7${stream.video.height}`));
  item.append(link, meta);
  return item;
}

function render() {
  const list = $('streams');
  const elapsed = (performance.now() - fetchedAt) / 1000;
  const cards = new Map([...list.children].map((item) => [item.dataset.name, item]));
  const wanted = streams.map((stream) => {
    const item = cards.get(stream.name) ?? card(stream);
    const viewers = stream.viewers?.current ?? 0;
    item.querySelector('.viewers-now').textContent = `${viewers} watching`;
    item.querySelector('.uptime').textContent = `live for ${formatDuration((stream.uptime_s ?? 0) + elapsed)}`;
    return item;
  });
  list.replaceChildren(...wanted);
  $('empty').classList.toggle('hidden', streams.length > 0);
}

async function refresh() {
  try {
    const response = await fetch('/api/v1/streams');
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    const known = await response.json();
    streams = known.filter((stream) => stream.live);
    fetchedAt = performance.now();
    $('error').classList.add('hidden');
    render();
    refreshReplays(known);
  } catch (error) {
    $('error').textContent = `Cannot list the streams: ${error.message}`;
    $('error').classList.remove('hidden');
  }
}

// The newest finished broadcasts of the known streams, asked for again when a stream starts or
// stops (which is when one may have finished), or after a while.
async function refreshReplays(known) {
  const key = known.map((stream) => `${stream.name}:${stream.live}`).join(',');
  if (key === replaysOf && performance.now() - replaysAt < REPLAYS_MS) return;
  replaysOf = key;
  replaysAt = performance.now();
  try {
    const lists = await Promise.all(known.slice(0, REPLAY_STREAMS).map((stream) => fetchReplays(stream.name, REPLAYS_SHOWN)));
    const newest = lists.flat().sort((a, b) => b.started_at - a.started_at).slice(0, REPLAYS_SHOWN);
    renderReplays($('replay-list'), newest, { withName: true });
    $('replays').classList.toggle('hidden', newest.length === 0);
  } catch {
    replaysOf = null;  // try again at the next poll
  }
}

$('publish-hint').textContent = `rtmp://${location.hostname}:1935/live/<stream-key>`;
refresh();
setInterval(refresh, POLL_MS);
setInterval(render, 1000);
