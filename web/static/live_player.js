// Plays a stream's live HLS: hls.js where Media Source Extensions exist (it runs its transmuxer
// in a blob: worker, which the page's CSP allows), Safari's native HLS otherwise. It stops when
// the stream goes offline and starts again by itself once the stream is back and its playlist
// answers.
const RETRY_MS = 1500;

export class LivePlayer {
  constructor(video, source) {
    this.video = video;
    this.source = source;
    this.live = false;
    this.hls = null;
    this.native = false;
    this.retryTimer = null;
    this.video.addEventListener('error', () => { if (this.native) this.restartLater(); });
    // The video element is shared with WebRTC, whose stream ends too: only HLS's end is ours.
    this.video.addEventListener('ended', () => { if (this.hls || this.native) this.restartLater(); });
  }

  setLive(live) {
    if (live === this.live) return;
    this.live = live;
    if (live) this.start();
    else this.stop();
  }

  start() {
    clearTimeout(this.retryTimer);
    if (!this.live || this.hls || this.native) return;
    if (window.Hls?.isSupported()) {
      this.startHlsJs();
    } else if (this.video.canPlayType('application/vnd.apple.mpegurl')) {
      this.native = true;
      this.video.src = this.source;
      this.play();
    }
  }

  startHlsJs() {
    // lowLatencyMode takes effect when the playlist has parts (liverelay's [hls] low_latency):
    // blocking playlist reloads and parts, about a second behind the broadcaster. At the default
    // rate of 1 hls.js keeps whatever distance it joined at (1.7 s measured); up to 1.5x it
    // catches up with its target (1.3 s glass to glass, docs/BENCHMARKS.md).
    const hls = new window.Hls({
      liveDurationInfinity: true, backBufferLength: 30, lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.5,
    });
    this.hls = hls;
    hls.on(window.Hls.Events.MANIFEST_PARSED, () => this.play());
    // A playlist with ENDLIST while the room says live is the broadcast that just ended: the
    // new one's playlist replaces it within a segment, so ask again.
    hls.on(window.Hls.Events.LEVEL_LOADED, (_, data) => { if (!data.details.live) this.restartLater(); });
    hls.on(window.Hls.Events.ERROR, (_, data) => { if (data.fatal) this.restartLater(); });
    hls.loadSource(this.source);
    hls.attachMedia(this.video);
  }

  // How far behind the broadcaster the picture is, in ms: the wall clock minus the program date
  // time of the playing position (the server stamps each segment with its arrival time).
  // null before playback or without EXT-X-PROGRAM-DATE-TIME.
  latencyMs() {
    if (this.hls?.playingDate) return Date.now() - this.hls.playingDate.getTime();
    if (this.native) {
      const start = this.video.getStartDate?.();
      if (start && !Number.isNaN(start.getTime())) return Date.now() - (start.getTime() + this.video.currentTime * 1000);
    }
    return null;
  }

  // True when the playlist has LL-HLS parts (the server's [hls] low_latency).
  get lowLatency() {
    return Boolean(this.hls?.levels?.some((level) => level.details?.partList?.length));
  }

  play() {
    // Muted autoplay is allowed everywhere; a refusal leaves the controls to the viewer.
    this.video.play().catch(() => {});
  }

  stop() {
    clearTimeout(this.retryTimer);
    if (this.hls) {
      this.hls.destroy();
      this.hls = null;
    }
    if (this.native) {
      this.native = false;
      this.video.removeAttribute('src');
      this.video.load();
    }
  }

  restartLater() {
    this.stop();
    if (this.live) this.retryTimer = setTimeout(() => this.start(), RETRY_MS);
  }
}
