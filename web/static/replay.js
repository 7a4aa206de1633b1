// The replay page (/live/<name>/replay/<id>): plays the broadcast's recording (hls.js, or
// Safari's own HLS) and shows each comment and reaction once the playback reaches the moment it
// was written; seeking back takes away what comes later.
import { CommentsView } from './comments_view.js';
import { formatDuration } from './format.js';
import { ReactionsView } from './reactions_view.js';
import { formatStart } from './replay_list.js';
import {
  broadcastClock, commentChanges, parsePlaylistSegments, reactionTotals, segmentsFromFragments, sortComments,
  visibleCount,
} from './replay_timeline.js';

const MAX_COMMENTS = 200;
const SEEK_S = 1.5;           // a playhead move larger than this is a seek: reactions are counted, not floated
const LIVE_REFRESH_MS = 5000; // a broadcast still live keeps getting comments and reactions

const $ = (id) => document.getElementById(id);

// "/live/cam1/replay/42" -> { name: "cam1", id: 42 }; null when the path is not a replay's.
function replayFromPath(pathname) {
  const match = /^\/live\/([^/]+)\/replay\/(\d+)$/.exec(pathname);
  return match ? { name: decodeURIComponent(match[1]), id: Number(match[2]) } : null;
}

class ReplaySync {
  constructor(video, startedAt) {
    this.video = video;
    this.startedAt = startedAt;
    this.clock = (currentTime) => currentTime * 1000;
    this.comments = [];
    this.offsets = [];
    this.reactions = [];
    this.commentIds = '';
    this.shown = 0;
    this.lastTime = 0;
    this.recount = false;
    this.following = false;
    this.view = new CommentsView($('comments'), { maxItems: MAX_COMMENTS });
    // The replay's tally: the buttons count what was sent up to now; nothing to send from here.
    this.tally = new ReactionsView($('reaction-layer'), $('reaction-counts'), () => {});
    for (const button of $('reaction-counts').querySelectorAll('button')) button.disabled = true;
    for (const event of ['timeupdate', 'seeking', 'seeked', 'loadedmetadata']) {
      video.addEventListener(event, () => this.sync());
    }
    video.addEventListener('play', () => this.follow());
  }

  setSegments(segments) {
    this.clock = broadcastClock(segments, this.startedAt);
    this.sync();
  }

  setComments(comments) {
    const sorted = sortComments(comments);
    const ids = sorted.map((comment) => comment.id).join(',');
    if (ids === this.commentIds) return;  // a live broadcast's refresh that brought nothing new
    this.commentIds = ids;
    this.comments = sorted;
    this.offsets = sorted.map((comment) => Number(comment.offset_ms ?? 0));
    this.shown = -1;  // render afresh
    this.sync();
  }

  setReactions(reactions) {
    this.reactions = reactions;
    this.recount = true;  // reactions newly listed for a moment already played do not float
    this.sync();
  }

  // Every frame while playing, so a comment appears on its moment, not up to 250 ms later.
  follow() {
    if (this.following) return;
    this.following = true;
    const step = () => {
      this.sync();
      if (!this.video.paused && !this.video.ended) requestAnimationFrame(step);
      else this.following = false;
    };
    requestAnimationFrame(step);
  }

  sync() {
    const time = this.video.currentTime;
    const ms = this.clock(time);
    const visible = visibleCount(this.offsets, ms);
    if (visible !== this.shown) {
      const change = commentChanges(this.comments, this.shown < 0 ? Infinity : this.shown, visible, MAX_COMMENTS);
      if (change.replace) this.view.replace(change.replace);
      else for (const comment of change.add) this.view.add(comment);
      this.shown = visible;
    }
    const seeked = this.video.seeking || Math.abs(time - this.lastTime) > SEEK_S;
    this.tally.update(reactionTotals(this.reactions, ms), { baseline: seeked || this.recount });
    this.recount = false;
    this.lastTime = time;
  }
}

function play(video, playlist, sync, live) {
  if (window.Hls?.isSupported()) {
    // startPosition 0: a broadcast still live has an EVENT playlist, which hls.js would
    // otherwise join at its live edge.
    const hls = new window.Hls({ startPosition: 0, backBufferLength: 60 });
    hls.on(window.Hls.Events.LEVEL_LOADED, (_, data) => sync.setSegments(segmentsFromFragments(data.details.fragments)));
    hls.on(window.Hls.Events.MANIFEST_PARSED, () => video.play().catch(() => {}));
    hls.on(window.Hls.Events.ERROR, (_, data) => {
      if (!data.fatal) return;
      if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
      else unavailable(`The replay cannot be played right now (${data.details}).`);
    });
    hls.loadSource(playlist);
    hls.attachMedia(video);
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = playlist;
    video.addEventListener('loadedmetadata', () => {
      if (live) video.currentTime = 0;
      video.play().catch(() => {});
    }, { once: true });
    const readSegments = async () => {
      const response = await fetch(playlist);
      if (response.ok) sync.setSegments(parsePlaylistSegments(await response.text()));
    };
    readSegments().catch(() => {});
    if (live) setInterval(() => readSegments().catch(() => {}), LIVE_REFRESH_MS);
  } else {
    unavailable('This browser cannot play HLS.');
  }
}

function unavailable(text) {
  $('unavailable').textContent = text;
  $('unavailable').classList.remove('hidden');
}

async function fetchJson(path) {
  const response = await fetch(path);
  if (!response.ok) throw Object.assign(new Error(`the server answered ${response.status}`), { status: response.status });
  return response.json();
}

function showBroadcast(name, broadcast) {
  document.title = `${name} replay \u00B7 liverelay`;
  const link = $('stream-link');
  link.textContent = name;
  link.href = `/live/${encodeURIComponent(name)}/`;
  $('replay-date').textContent = formatStart(broadcast.started_at);
  $('replay-date').title = new Date(broadcast.started_at).toLocaleString();
  $('replay-duration').textContent = `${formatDuration(broadcast.duration_s ?? 0)}${broadcast.live ? ' so far' : ''}`;
  const badge = $('replay-badge');
  badge.textContent = broadcast.live ? 'LIVE NOW' : 'REPLAY';
  badge.classList.toggle('live', Boolean(broadcast.live));
}

async function start() {
  const replay = replayFromPath(location.pathname);
  if (!replay) {
    unavailable('No such replay.');
    return;
  }
  const base = `/api/v1/streams/${encodeURIComponent(replay.name)}/broadcasts/${replay.id}`;
  let broadcast;
  try {
    broadcast = await fetchJson(base);
  } catch (error) {
    unavailable(error.status === 404
      ? 'No such replay: it was deleted or never existed.'
      : `Cannot load the replay: ${error.message}`);
    return;
  }
  showBroadcast(replay.name, broadcast);
  const sync = new ReplaySync($('video'), broadcast.started_at);
  const loadTimeline = async () => {
    try {
      const [comments, reactions] = await Promise.all([fetchJson(`${base}/comments`), fetchJson(`${base}/reactions`)]);
      sync.setComments(comments.comments ?? []);
      sync.setReactions(reactions.reactions ?? []);
      $('chat-status').textContent = comments.comments?.length ? '' : 'No comments were written during this broadcast.';
    } catch (error) {
      $('chat-status').textContent = `Cannot load the comments: ${error.message}`;
    }
  };
  await loadTimeline();
  if (broadcast.live) setInterval(loadTimeline, LIVE_REFRESH_MS);
  if (!broadcast.playlist) {
    unavailable('Nothing of this broadcast was recorded.');
    return;
  }
  play($('video'), broadcast.playlist, sync, broadcast.live);
}

start();
