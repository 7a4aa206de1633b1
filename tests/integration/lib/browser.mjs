// Headless Debian Chromium driven by playwright-core, and a loopback page server for test pages.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../package.json', import.meta.url));
const { chromium } = require('playwright-core');

export const HLS_JS = new URL('../../../web/node_modules/hls.js/dist/hls.min.js', import.meta.url).pathname;

// Flags that keep Chromium off the network (DEPS.md): only loopback traffic leaves it.
function chromiumOptions(extraArgs) {
  return {
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required', ...extraArgs],
  };
}

// `extraArgs`: WebRTC tests add DEPS.md's flag for raw IP candidates instead of mDNS names.
export async function launchChromium({ extraArgs = [] } = {}) {
  return chromium.launch(chromiumOptions(extraArgs));
}

// The same browser run as a separate server process, so that a test can SIGKILL it (a viewer
// that vanishes without a goodbye); resolves with { browser, kill }.
export async function launchKillableChromium({ extraArgs = [] } = {}) {
  const server = await chromium.launchServer(chromiumOptions(extraArgs));
  const browser = await chromium.connect(server.wsEndpoint());
  return { browser, kill: () => server.process().kill('SIGKILL') };
}

export const WEBRTC_ARGS = ['--disable-features=WebRtcHideLocalIpsWithMdns'];

// Serves `pages` ({'/path': html}) and /hls.js on 127.0.0.1; resolves with { url, close }.
export function servePages(pages) {
  const server = createServer((request, response) => {
    const path = new URL(request.url, 'http://x').pathname;
    if (path === '/hls.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end(readFileSync(HLS_JS));
    } else if (path in pages) {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(pages[path]);
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}`,
      close: () => new Promise((done) => server.close(done)),
    }));
  });
}
