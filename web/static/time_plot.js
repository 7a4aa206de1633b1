// A uPlot line chart of the last ten minutes: time on x, one or more series on y, sized to
// its container. Every plot registers itself in window.liverelayPlots for tests and debugging.
const HEIGHT = 150;
const WINDOW_S = 600;
const COLORS = ['#4f8cff', '#ffb74d', '#81c784', '#e57373'];

window.liverelayPlots = window.liverelayPlots ?? [];

export class TimePlot {
  // series: [{ label }]; key names the plot ("cam1/bitrate_kbps") for window.liverelayPlots.
  constructor(container, { key, title, series, format = (v) => v }) {
    this.container = container;
    this.key = key;
    this.uplot = new window.uPlot({
      title,
      width: this.width(),
      height: HEIGHT,
      scales: { x: { time: true }, y: { range: (_, min, max) => [Math.min(0, min), Math.max(1, max * 1.1)] } },
      series: [{}, ...series.map((s, i) => ({
        label: s.label, stroke: COLORS[i % COLORS.length], width: 1.5, value: (_, v) => (v == null ? '-' : format(v)),
      }))],
      axes: [{ stroke: '#9aa0a6', grid: { stroke: '#2b2f37' } },
        { stroke: '#9aa0a6', grid: { stroke: '#2b2f37' }, size: 56, values: (_, ticks) => ticks.map(format) }],
    }, [[], ...series.map(() => [])], container);
    window.liverelayPlots.push(this);
  }

  width() { return Math.max(240, this.container.clientWidth || 320); }

  // columns: [t, series1, series2, ...] as the history API gives them.
  setData(columns) {
    const now = Date.now() / 1000;
    this.uplot.setData(columns);
    this.uplot.setScale('x', { min: now - WINDOW_S, max: now });
  }

  resize() { this.uplot.setSize({ width: this.width(), height: HEIGHT }); }

  destroy() {
    this.uplot.destroy();
    window.liverelayPlots = window.liverelayPlots.filter((plot) => plot !== this);
  }

  // Points that hold a value, across every series: what a test checks.
  points() {
    return this.uplot.data.slice(1).reduce((sum, column) => sum + column.filter((v) => v != null).length, 0);
  }
}
