// How the player page plays a live stream. WebRTC (WHEP) first where the browser has it, for the
// lowest latency; LL-HLS (LivePlayer) when the server refuses the offer, the connection does not
// come up within 5 s or its video does not play, and always with ?mode=hls. With ?mode=webrtc it
// plays WebRTC only, trying again instead of falling back.
import { LivePlayer } from './live_player.js';
import { WhepPlayer } from './whep_player.js';

const MIN_RETRY_MS = 1500;
const MAX_RETRY_MS = 10000;
const SHORT_SESSION_MS = 10000;  // a session over sooner than this did not work
// A broadcast is live from its publish command, a moment before its video configuration: an
// offer refused this soon after going live is tried once more.
const FRESH_MS = 3000;
const REFUSED_RETRY_MS = 1000;

export class Playback {
  // mode: 'webrtc', 'hls', or anything else for WebRTC with HLS as the fallback.
  // onRoomChannel(channel): the `room` data channel of the WebRTC session being opened, or null
  // when there is none (the room then goes over the WebSocket).
  constructor(video, name, mode, { onRoomChannel }) {
    this.video = video;
    this.hls = new LivePlayer(video, 'index.m3u8');
    this.whepUrl = `/live/${encodeURIComponent(name)}/whep`;
    this.forced = mode === 'webrtc';
    this.webrtc = this.forced || (mode !== 'hls' && typeof window.RTCPeerConnection === 'function');
    this.onRoomChannel = onRoomChannel;
    this.live = false;
    this.mode = null;       // 'connecting', 'webrtc', 'hls' or null (offline)
    this.failure = '';      // why WebRTC is not playing, for the viewer
    this.whep = null;
    this.startedAt = 0;
    this.liveAt = 0;
    this.retriedRefusal = false;
    this.retryTimer = null;
    this.retryMs = MIN_RETRY_MS;
  }

  // True when the next broadcast is tried over WebRTC first.
  get triesWebRtc() { return this.webrtc; }

  setLive(live) {
    if (live === this.live) return;
    this.live = live;
    this.liveAt = performance.now();
    this.retriedRefusal = false;
    if (live) this.start();
    else this.stop();
  }

  start() {
    if (this.webrtc) this.startWebRtc();
    else this.startHls();
  }

  startHls() {
    this.mode = 'hls';
    this.onRoomChannel(null);
    this.hls.setLive(true);
  }

  async startWebRtc() {
    clearTimeout(this.retryTimer);
    if (typeof window.RTCPeerConnection !== 'function') {
      this.fail('this browser has no WebRTC', true);
      return;
    }
    const whep = new WhepPlayer(this.video, this.whepUrl, { onEnd: (reason) => this.ended(whep, reason) });
    this.whep = whep;
    this.mode = 'connecting';
    this.onRoomChannel(whep.channel);
    try {
      await whep.start();
    } catch (error) {
      if (this.whep !== whep) return;  // stopped meanwhile
      whep.stop();
      this.whep = null;
      if (error.status && !this.retriedRefusal && performance.now() - this.liveAt < FRESH_MS) {
        this.retriedRefusal = true;
        this.retryTimer = setTimeout(() => { if (this.live) this.startWebRtc(); }, REFUSED_RETRY_MS);
        return;
      }
      // A refusal (422: B-frames; 404: not live yet) holds for this broadcast; a connection that
      // cannot be made (UDP blocked) holds for the page.
      this.fail(error.message, !error.status);
      return;
    }
    if (this.whep !== whep) return;
    this.mode = 'webrtc';
    this.failure = '';
    this.retryMs = MIN_RETRY_MS;
    this.startedAt = performance.now();
  }

  ended(whep, reason) {
    if (this.whep !== whep) return;
    this.whep = null;
    if (performance.now() - this.startedAt < SHORT_SESSION_MS) {
      this.fail(reason, false);
      return;
    }
    // It played for a while: a new session, most likely, plays again.
    this.mode = 'connecting';
    this.onRoomChannel(null);
    this.retryTimer = setTimeout(() => { if (this.live) this.startWebRtc(); }, MIN_RETRY_MS);
  }

  // WebRTC did not play. HLS takes over, unless the viewer asked for WebRTC only.
  fail(reason, forThePage) {
    this.failure = reason;
    this.onRoomChannel(null);
    if (!this.forced) {
      if (forThePage) this.webrtc = false;
      this.startHls();
      return;
    }
    this.mode = 'failed';
    this.retryTimer = setTimeout(() => { if (this.live) this.startWebRtc(); }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  stop() {
    clearTimeout(this.retryTimer);
    this.whep?.stop();
    this.whep = null;
    this.hls.setLive(false);
    this.mode = null;
    this.onRoomChannel(null);
  }

  // The page is going away: the server drops the session now rather than at consent expiry.
  unload() { this.whep?.stop({ keepalive: true }); }

  // How far behind the broadcaster the picture is, in ms; null when unknown.
  latencyMs() {
    if (this.mode === 'webrtc') return this.whep?.latencyMs() ?? null;
    if (this.mode === 'hls') return this.hls.latencyMs();
    return null;
  }

  // What the viewer is told about the way the video comes: a short label and why.
  label() {
    switch (this.mode) {
      case 'webrtc': return { text: 'WebRTC', title: 'WebRTC: the lowest latency' };
      case 'connecting': return { text: 'WebRTC\u2026', title: 'connecting over WebRTC' };
      case 'failed': return { text: 'WebRTC failed', title: this.failure };
      case 'hls': return {
        text: this.hls.lowLatency ? 'LL-HLS' : 'HLS',
        title: this.failure ? `WebRTC did not play: ${this.failure}` : 'HTTP Live Streaming',
      };
      default: return { text: '', title: '' };
    }
  }
}
