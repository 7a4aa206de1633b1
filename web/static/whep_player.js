// One WebRTC viewing session over WHEP (draft-ietf-wish-whep): a receive-only RTCPeerConnection
// with the `room` data channel made before the offer (DESIGN.md), the offer POSTed to
// /live/<name>/whep, the answer's media on the page's video, and the session DELETEd when the
// page is done with it. It also watches that the video really plays, so the page can turn to
// HLS when it does not.
const CONNECT_MS = 5000;       // ICE and DTLS on a working path take well under a second
const FIRST_FRAME_MS = 10000;  // the server starts a viewer at the next keyframe
const DISCONNECTED_MS = 5000;  // ICE 'disconnected' often heals by itself; this long, it has not
const STALL_MS = 5000;         // no frame decoded for this long: the picture is stuck
const STATS_MS = 1000;
const NTP_UNIX_OFFSET_MS = 2208988800000;  // 1900-01-01 to 1970-01-01

export class WhepError extends Error {
  // status: the HTTP status of a refused offer; 0 when the connection itself failed.
  constructor(message, status = 0) {
    super(message);
    this.name = 'WhepError';
    this.status = status;
  }
}

export class WhepPlayer {
  // onEnd(reason): a session that had started is over (connection lost, closed by the server,
  // video not playing). Not called after stop().
  constructor(video, url, { onEnd } = {}) {
    this.video = video;
    this.url = new URL(url, location.href).href;
    this.onEnd = onEnd;
    this.location = null;     // the session's URL, once the server made it
    this.stopped = false;
    this.latency = null;
    this.timers = [];
    this.cancelWait = null;
    this.pc = new RTCPeerConnection({ iceServers: [] });  // the server is ICE-lite: no STUN needed
    this.pc.addTransceiver('video', { direction: 'recvonly' });
    this.pc.addTransceiver('audio', { direction: 'recvonly' });
    this.channel = this.pc.createDataChannel('room');
    this.stream = null;
  }

  // Resolves once media can flow; rejects with a WhepError. The caller stop()s a failed player.
  async start() {
    const { pc } = this;
    await pc.setLocalDescription(await pc.createOffer());
    const response = await fetch(this.url, {
      method: 'POST', headers: { 'content-type': 'application/sdp' }, body: pc.localDescription.sdp,
    });
    const body = await response.text();
    if (response.status !== 201) throw new WhepError(body.trim() || `the server answered ${response.status}`, response.status);
    this.location = new URL(response.headers.get('location'), this.url).href;
    if (this.stopped) {
      this.deleteSession(false);  // stopped while the offer was on its way
      throw new WhepError('stopped');
    }
    await pc.setRemoteDescription({ type: 'answer', sdp: body });
    // Only the kinds the answer accepted: a rejected audio section has a track that never plays.
    const tracks = pc.getTransceivers().filter((t) => t.currentDirection === 'recvonly').map((t) => t.receiver.track);
    this.stream = new MediaStream(tracks);
    this.video.srcObject = this.stream;
    await this.connected();
    this.watch();
    // Muted autoplay is allowed everywhere; a refusal leaves the controls to the viewer.
    this.video.play().catch(() => {});
  }

  // How far behind the broadcaster the picture is, in ms, or null before the first sender report.
  latencyMs() { return this.latency; }

  // Ends the session: the server is told at once (keepalive: also while the page unloads).
  stop({ keepalive = false } = {}) {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.cancelWait?.();
    this.deleteSession(keepalive);
    this.pc.close();
    if (this.stream && this.video.srcObject === this.stream) this.video.srcObject = null;
  }

  deleteSession(keepalive) {
    if (this.location) fetch(this.location, { method: 'DELETE', keepalive }).catch(() => {});
    this.location = null;
  }

  connected() {
    return new Promise((resolve, reject) => {
      const finish = (error) => {
        clearTimeout(timer);
        this.pc.removeEventListener('connectionstatechange', check);
        this.cancelWait = null;
        if (error) reject(new WhepError(error));
        else resolve();
      };
      const check = () => {
        const state = this.pc.connectionState;
        if (state === 'connected') finish();
        else if (state === 'failed' || state === 'closed') finish(`the WebRTC connection ${state}`);
      };
      const timer = setTimeout(() => finish(`no WebRTC connection within ${CONNECT_MS / 1000} s`), CONNECT_MS);
      this.cancelWait = () => finish('stopped');
      this.pc.addEventListener('connectionstatechange', check);
      check();
    });
  }

  watch() {
    const connectedAt = performance.now();
    let disconnectedTimer = null;
    this.pc.addEventListener('connectionstatechange', () => {
      const state = this.pc.connectionState;
      clearTimeout(disconnectedTimer);
      if (state === 'failed' || state === 'closed') this.end(`the WebRTC connection ${state}`);
      else if (state === 'disconnected') {
        disconnectedTimer = setTimeout(() => this.end('the WebRTC connection was lost'), DISCONNECTED_MS);
      }
    });
    this.channel.addEventListener('close', () => this.end('the server ended the session'));
    const progress = { decoded: 0, at: connectedAt };
    this.timers.push(setInterval(() => this.sample(connectedAt, progress), STATS_MS));
  }

  async sample(connectedAt, progress) {
    let video = null;
    try {
      (await this.pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') video = s; });
    } catch {
      return;  // closed meanwhile
    }
    if (!video || this.stopped) return;
    // The server's sender reports map RTP time to the wall clock at which each frame reached it,
    // so the playout timestamp is to WebRTC what EXT-X-PROGRAM-DATE-TIME is to HLS.
    this.latency = video.estimatedPlayoutTimestamp
      ? video.timestamp - (video.estimatedPlayoutTimestamp - NTP_UNIX_OFFSET_MS) : null;
    const now = performance.now();
    const decoded = video.framesDecoded ?? 0;
    const received = video.framesReceived ?? 0;
    if (decoded === 0) {
      if (now - connectedAt > FIRST_FRAME_MS) this.end(`no video within ${FIRST_FRAME_MS / 1000} s`);
    } else if (received >= 30 && decoded < received / 2) {
      // Frames arrive and do not decode: video this browser's WebRTC cannot play (B-frames).
      this.end('the browser cannot decode this video over WebRTC');
    } else if (decoded > progress.decoded) {
      progress.decoded = decoded;
      progress.at = now;
    } else if (now - progress.at > STALL_MS) {
      this.end('the video stalled');
    }
  }

  end(reason) {
    if (this.stopped) return;
    this.stop();
    this.onEnd?.(reason);
  }
}
