// The player page: wires the video (WebRTC or LL-HLS), the room (over the WebRTC data channel
// or the WebSocket), the comments, the reactions and the list of past broadcasts for the stream
// named by the page's URL (/live/<name>/). ?mode=hls or ?mode=webrtc chooses the way.
import { CommentsView } from './comments_view.js';
import { streamNameFromPath } from './format.js';
import { Playback } from './playback.js';
import { ReactionsView } from './reactions_view.js';
import { fetchReplays, renderReplays } from './replay_list.js';
import { RoomLink } from './room_link.js';

const NAME_KEY = 'liverelay.displayName';
const POLL_MS = 5000;       // live state and viewers from the API while the room is unreachable
const STATUS_MS = 4000;     // how long a refusal stays on screen
const JOIN_BURST_MS = 150;  // messages sent on join arrive together
const REPLAYS_MS = 30000;   // the replay list: a broadcast ending joins it within this
const LATENCY_MS = 1000;    // how often the latency shown is refreshed

const name = streamNameFromPath(location.pathname);
const $ = (id) => document.getElementById(id);

const player = new Playback($('video'), name, new URLSearchParams(location.search).get('mode'), {
  onRoomChannel(channel) {
    if (channel) room.useChannel(channel);
    else room.useSocket();
  },
});
setInterval(() => {
  const latency = player.latencyMs();
  $('latency').textContent = latency === null ? '' : `${(Math.max(latency, 0) / 1000).toFixed(1)} s behind`;
  const mode = player.label();
  $('play-mode').textContent = mode.text;
  $('play-mode').title = mode.title;
}, LATENCY_MS);
const comments = new CommentsView($('comments'));
const reactions = new ReactionsView($('reaction-layer'), $('reaction-buttons'), (kind) => {
  if (!room.send({ type: 'reaction', kind })) showStatus('Not connected; reconnecting\u2026');
});
let joinedAt = 0;
let statusTimer = null;

const room = new RoomLink(name, {
  onOpen() {
    const displayName = localStorage.getItem(NAME_KEY);
    if (displayName) room.send({ type: 'hello', user: displayName });
  },
  onMessage: handleMessage,
  onClose() { showStatus('Connection lost; reconnecting\u2026', false); },
});

function handleMessage(message) {
  switch (message.type) {
    case 'history':
      joinedAt = performance.now();
      comments.replace(message.comments ?? []);
      showStatus('');
      break;
    case 'comment': comments.add(message); break;
    case 'delete': comments.remove(message.id); break;
    case 'viewers': setViewers(message.count); break;
    case 'state': setLive(Boolean(message.live)); break;
    case 'reactions':
      // The totals sent with the history are the room's past: they set the counts, nothing floats.
      reactions.update(message.counts ?? {}, { baseline: performance.now() - joinedAt < JOIN_BURST_MS });
      break;
    case 'error': showStatus(message.message ?? message.code); break;
    default: break;
  }
}

function setLive(live) {
  const badge = $('live-badge');
  badge.textContent = live ? 'LIVE' : 'OFFLINE';
  badge.classList.toggle('live', live);
  $('offline').classList.toggle('hidden', live);
  player.setLive(live);
}

function setViewers(count) {
  $('viewer-count').textContent = String(count);
}

function showStatus(text, expires = true) {
  clearTimeout(statusTimer);
  $('chat-status').textContent = text;
  if (text && expires) statusTimer = setTimeout(() => { $('chat-status').textContent = ''; }, STATUS_MS);
}

// The API answers when the room cannot: at load, and while it is reconnecting.
async function pollStream() {
  try {
    const response = await fetch(`/api/v1/streams/${encodeURIComponent(name)}`);
    if (response.ok) {
      const stream = await response.json();
      if (!room.open) setLive(Boolean(stream.live));
      if (!room.open || $('viewer-count').textContent === '0') setViewers(stream.viewers?.current ?? 0);
    } else if (response.status === 404 && !room.open) {
      setLive(false);
    }
  } catch {
    // the server is unreachable: the socket's reconnection says so
  }
}

// The stream's last finished broadcasts, each a link to its replay; hidden while there is none.
async function loadReplays() {
  try {
    const replays = await fetchReplays(name);
    renderReplays($('replay-list'), replays);
    $('replays').classList.toggle('hidden', replays.length === 0);
  } catch {
    // the list is a convenience: the next refresh tries again
  }
}

function setUpForm() {
  const nameInput = $('display-name');
  nameInput.value = localStorage.getItem(NAME_KEY) ?? '';
  nameInput.addEventListener('change', () => {
    const displayName = nameInput.value.trim();
    if (!displayName) return;
    localStorage.setItem(NAME_KEY, displayName);
    room.send({ type: 'hello', user: displayName });
  });
  $('comment-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('comment-text');
    const text = input.value.trim();
    if (!text) return;
    if (room.send({ type: 'comment', text })) input.value = '';
    else showStatus('Not connected; reconnecting\u2026');
  });
}

if (name === null) {
  $('stream-name').textContent = 'No such stream';
} else {
  document.title = `${name} \u00B7 liverelay`;
  $('stream-name').textContent = name;
  setUpForm();
  // Over WebRTC the room comes with the video, on its data channel: the WebSocket waits to see
  // whether the stream is live and WebRTC plays.
  if (player.triesWebRtc) {
    pollStream().then(() => { if (!player.live) room.useSocket(); });
  } else {
    room.useSocket();
    pollStream();
  }
  addEventListener('pagehide', () => {
    room.close();
    player.unload();
  });
  // Back from the back-forward cache with both connections closed: start afresh.
  addEventListener('pageshow', (event) => { if (event.persisted) location.reload(); });
  setInterval(() => { if (!room.open) pollStream(); }, POLL_MS);
  loadReplays();
  setInterval(loadReplays, REPLAYS_MS);
}
