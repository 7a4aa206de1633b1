// The operator's dashboard: asks for the admin token (kept in sessionStorage, sent as a Bearer
// header), then draws the last ten minutes of the server and of every stream from
// /api/v1/history and adds what is new every two seconds. Kick, delete and ban from here.
import { errorOf, Moderation } from './moderation.js';
import { formatDuration, formatMegabytes, playerPath, textElement } from './format.js';
import { TimePlot } from './time_plot.js';

const TOKEN_KEY = 'liverelay.adminToken';
const POLL_MS = 2000;
const WINDOW_S = 600;
const KICK_ARM_MS = 3000;  // Kick asks for a second click within this time

const SERVER_PLOTS = [
  { title: 'CPU (% of one core)', columns: ['cpu_percent'], labels: ['CPU %'] },
  { title: 'Memory (MiB)', columns: ['memory_bytes'], labels: ['resident'], scale: 1 / (1024 * 1024) },
  { title: 'Connections', columns: ['connections_rtmp', 'connections_http', 'connections_websocket'],
    labels: ['RTMP', 'HTTP', 'WebSocket'] },
];
const STREAM_PLOTS = [
  { title: 'Ingest bitrate (kb/s)', columns: ['bitrate_kbps'], labels: ['kb/s'] },
  { title: 'Frames per second', columns: ['fps'], labels: ['fps'] },
  { title: 'Viewers', columns: ['viewers'], labels: ['viewers'] },
  { title: 'Comments per minute', columns: ['comments_per_minute'], labels: ['per minute'] },
];

const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem(TOKEN_KEY);
let pollTimer = null;
let session = 0;  // a poll from before a sign-out or sign-in stops instead of going on
let lastT = null;
const server = { series: emptySeries(SERVER_PLOTS), plots: [] };
const streams = new Map();  // name -> { series, plots, panel }
const moderation = new Moderation({
  select: $('moderated-stream'), list: $('moderated-comments'), banForm: $('ban-form'), banValue: $('ban-value'),
  api, say: (text) => { $('moderation-status').textContent = text; },
});

function api(path, options = {}) {
  return fetch(path, { ...options, headers: { ...options.headers, Authorization: `Bearer ${token}` } });
}

function emptySeries(plots) {
  const series = { t: [] };
  for (const plot of plots) for (const column of plot.columns) series[column] = [];
  return series;
}

// Appends the new samples and drops those older than the window.
function append(series, update) {
  const t = update.t ?? [];
  for (const [key, column] of Object.entries(series)) column.push(...(update[key] ?? t.map(() => null)));
  const cutoff = (series.t.at(-1) ?? 0) - WINDOW_S;
  const drop = series.t.findIndex((time) => time >= cutoff);
  if (drop > 0) for (const column of Object.values(series)) column.splice(0, drop);
}

function makePlots(container, keyPrefix, specs) {
  return specs.map((spec) => {
    const box = document.createElement('div');
    box.className = 'plot';
    container.append(box);
    const format = spec.scale ? (v) => (v * spec.scale).toFixed(1) : (v) => (Number.isInteger(v) ? v : v.toFixed(1));
    return { spec, plot: new TimePlot(box, { key: `${keyPrefix}/${spec.columns[0]}`, title: spec.title,
      series: spec.labels.map((label) => ({ label })), format }) };
  });
}

function draw(entry) {
  for (const { spec, plot } of entry.plots) plot.setData([entry.series.t, ...spec.columns.map((c) => entry.series[c])]);
}

function streamPanel(name) {
  const panel = document.createElement('section');
  panel.className = 'panel';
  panel.dataset.stream = name;
  const heading = document.createElement('h2');
  const link = textElement('a', name);
  link.href = playerPath(name);
  const badge = textElement('span', 'OFFLINE', 'badge');
  const kick = textElement('button', 'Kick publisher', 'danger kick');
  kick.type = 'button';
  kick.addEventListener('click', () => kickPublisher(name, kick));
  heading.append(link, badge, kick);
  const figures = document.createElement('div');
  figures.className = 'figures';
  const plots = document.createElement('div');
  plots.className = 'plots';
  panel.append(heading, figures, plots);
  $('stream-panels').append(panel);
  return { panel, badge, figures, series: emptySeries(STREAM_PLOTS), plots: makePlots(plots, name, STREAM_PLOTS) };
}

async function kickPublisher(name, button) {
  if (!button.classList.contains('armed')) {
    button.classList.add('armed');
    button.textContent = 'Click again to kick';
    setTimeout(() => { button.classList.remove('armed'); button.textContent = 'Kick publisher'; }, KICK_ARM_MS);
    return;
  }
  button.classList.remove('armed');
  button.textContent = 'Kick publisher';
  const response = await api(`/api/v1/streams/${encodeURIComponent(name)}/kick`, { method: 'POST' });
  say(response.ok ? `${name}: publisher kicked.` : `${name}: kick refused: ${await errorOf(response)}`);
}

function figure(label, value) {
  const span = document.createElement('span');
  span.append(`${label} `, textElement('b', value));
  return span;
}

function say(text) { $('dashboard-status').textContent = text; }

async function pollHistory() {
  const response = await api(`/api/v1/history${lastT === null ? '' : `?since=${lastT}`}`);
  if (response.status === 401) throw Object.assign(new Error(await errorOf(response)), { unauthorized: true });
  if (!response.ok) throw new Error(await errorOf(response));
  const history = await response.json();
  append(server.series, history.server);
  lastT = server.series.t.at(-1) ?? lastT;
  draw(server);
  const listed = new Set();
  for (const update of history.streams) {
    listed.add(update.name);
    let entry = streams.get(update.name);
    if (!entry) streams.set(update.name, entry = streamPanel(update.name));
    append(entry.series, update);
    entry.badge.textContent = update.live ? 'LIVE' : 'OFFLINE';
    entry.badge.classList.toggle('live', update.live);
    draw(entry);
  }
  for (const [name, entry] of streams) {
    if (listed.has(name)) continue;
    for (const { plot } of entry.plots) plot.destroy();
    entry.panel.remove();
    streams.delete(name);
  }
  moderation.setStreams([...streams.keys()]);
}

async function pollFigures() {
  const [serverInfo, list] = await Promise.all([
    fetch('/api/v1/server').then((r) => r.json()), fetch('/api/v1/streams').then((r) => r.json())]);
  const connections = serverInfo.connections ?? {};
  $('server-figures').replaceChildren(
    figure('CPU', `${serverInfo.cpu_percent}%`), figure('memory', formatMegabytes(serverInfo.memory_bytes ?? 0)),
    figure('RTMP', String(connections.rtmp)), figure('HTTP', String(connections.http)),
    figure('WebSocket', String(connections.websocket)), figure('up', formatDuration(serverInfo.uptime_s ?? 0)),
    figure('version', String(serverInfo.version)));
  for (const stream of list) {
    const entry = streams.get(stream.name);
    if (!entry) continue;
    const parts = [figure('viewers', String(stream.viewers?.current ?? 0)),
      figure('comments/min', String(stream.comments?.per_minute ?? 0))];
    if (stream.live) {
      parts.unshift(figure('bitrate', `${stream.ingest?.bitrate_kbps ?? 0} kb/s`),
        figure('fps', String(stream.video?.fps ?? '-')), figure('up', formatDuration(stream.uptime_s ?? 0)));
    }
    entry.figures.replaceChildren(...parts);
  }
}

async function poll(mine = session) {
  if (mine !== session) return;
  try {
    await pollHistory();
    await pollFigures();
    say('');
  } catch (error) {
    if (error.unauthorized) {
      signOut(`The server refused the token: ${error.message}.`);
      return;
    }
    say(`Cannot reach the server: ${error.message}`);
  }
  if (mine === session) pollTimer = setTimeout(() => poll(mine), POLL_MS);
}

function signIn() {
  session += 1;
  clearTimeout(pollTimer);
  $('login').classList.add('hidden');
  $('dashboard').classList.remove('hidden');
  $('sign-out').classList.remove('hidden');
  if (server.plots.length === 0) server.plots = makePlots($('server-plots'), 'server', SERVER_PLOTS);
  poll();
}

function signOut(message = '') {
  session += 1;
  clearTimeout(pollTimer);
  token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  $('login-error').textContent = message;
  $('dashboard').classList.add('hidden');
  $('sign-out').classList.add('hidden');
  $('login').classList.remove('hidden');
}

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  token = $('token').value.trim();
  sessionStorage.setItem(TOKEN_KEY, token);
  $('token').value = '';
  signIn();
});
$('sign-out').addEventListener('click', () => signOut());
window.addEventListener('resize', () => {
  for (const entry of [server, ...streams.values()]) for (const { plot } of entry.plots) plot.resize();
});

if (token) signIn();
else signOut();
