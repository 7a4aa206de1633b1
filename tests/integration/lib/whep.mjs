// A WHEP viewer inside headless Chromium: the page's own RTCPeerConnection, offer POSTed to the
// server, media and the `room` data channel observed through getStats and window globals.

import { waitFor } from './harness.mjs';
import { publishWithFfmpeg } from './media.mjs';

// Publishes `file` looped and waits until the stream is live with its video configuration in:
// until then WHEP answers 503 + Retry-After (a CI run on a busy machine POSTed in between).
export async function liveStreamForWhep(relay, name, file) {
  const publisher = publishWithFfmpeg(relay.rtmpUrl(name), file, { loop: true });
  await waitFor(async () => {
    const stream = await relay.stream(name);
    return stream.live && stream.video !== null;
  }, { timeoutMs: 15000, what: `${name} live with its video configuration` });
  return publisher;
}

// Runs in the page: receive-only video and audio, a `room` channel opened before the offer (as
// DESIGN.md asks), the answer applied; resolves with the session URL once ICE connects.
async function startViewerInPage(whepUrl) {
  const pc = new RTCPeerConnection({ iceServers: [] });
  window.viewer = { pc, roomMessages: [], state: [] };
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  const channel = pc.createDataChannel('room');
  window.viewer.channel = channel;
  channel.onmessage = (event) => window.viewer.roomMessages.push(JSON.parse(event.data));
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  document.body.appendChild(video);
  window.viewer.video = video;
  pc.ontrack = (event) => {
    if (event.track.kind === 'video') video.srcObject = event.streams[0] ?? new MediaStream([event.track]);
  };
  pc.onconnectionstatechange = () => window.viewer.state.push(pc.connectionState);
  await pc.setLocalDescription(await pc.createOffer());
  const response = await fetch(whepUrl, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: pc.localDescription.sdp });
  const body = await response.text();
  if (response.status !== 201) throw new Error(`WHEP POST: ${response.status} ${body}`);
  window.viewer.location = new URL(response.headers.get('location'), whepUrl).href;
  await pc.setRemoteDescription({ type: 'answer', sdp: body });
  return { location: window.viewer.location, answer: body };
}

// What the page sees now: inbound RTP per kind, the video element's clock, connection state.
async function viewerStatsInPage() {
  const report = await window.viewer.pc.getStats();
  const out = { connection: window.viewer.pc.connectionState, currentTime: window.viewer.video.currentTime,
    videoWidth: window.viewer.video.videoWidth, videoHeight: window.viewer.video.videoHeight,
    channel: window.viewer.channel.readyState, video: null, audio: null, codecs: {} };
  report.forEach((s) => {
    if (s.type === 'codec') out.codecs[s.id] = s.mimeType;
  });
  report.forEach((s) => {
    if (s.type !== 'inbound-rtp') return;
    out[s.kind] = { packetsReceived: s.packetsReceived, framesDecoded: s.framesDecoded, frameWidth: s.frameWidth,
      frameHeight: s.frameHeight, freezeCount: s.freezeCount, pliCount: s.pliCount, nackCount: s.nackCount,
      packetsLost: s.packetsLost, mimeType: out.codecs[s.codecId] };
  });
  return out;
}

export class WhepViewer {
  static async open(browser, relay, name) {
    const viewer = new WhepViewer();
    viewer.page = await browser.newPage();
    // A page from the server itself: the WHEP POST is then same-origin.
    await viewer.page.goto(`${relay.httpUrl}/api/v1/server`);
    const started = await viewer.page.evaluate(startViewerInPage, `${relay.httpUrl}/live/${name}/whep`);
    viewer.location = started.location;
    viewer.answer = started.answer;
    return viewer;
  }

  stats() { return this.page.evaluate(viewerStatsInPage); }
  roomMessages() { return this.page.evaluate(() => window.viewer.roomMessages); }
  sendRoom(object) { return this.page.evaluate((text) => window.viewer.channel.send(text), JSON.stringify(object)); }
  async close() { await this.page.close(); }
}
