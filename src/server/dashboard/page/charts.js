// uPlot charts: one helper for series over time, one for a curve over a numeric axis. Each keeps its
// chart as wide as its container.

const charts = new Map();

function widthOf(container) {
  return Math.max(240, container.clientWidth || 600);
}

function mount(container, opts, data) {
  const old = charts.get(container);
  if (old) old.destroy();
  container.replaceChildren();
  const chart = new uPlot({ width: widthOf(container), ...opts }, data, container);
  charts.set(container, chart);
  return chart;
}

window.addEventListener('resize', () => {
  for (const [container, chart] of charts)
    chart.setSize({ width: widthOf(container), height: chart.height });
});

/**
 * Series over time. `times` are Date-able values; `series` is [{ label, values, color, dash }].
 * `yFormat` formats the y axis and the legend.
 */
export function timeChart(
  container,
  times,
  series,
  { height = 220, yFormat = (v) => v, yRange, xRange } = {},
) {
  const x = times.map((t) => new Date(t).getTime() / 1000);
  // A single point gets a day either side, or uPlot's axis would stretch over years.
  const seconds = xRange
    ? xRange.map((t) => new Date(t).getTime() / 1000)
    : x.length === 1
      ? [x[0] - 86_400, x[0] + 86_400]
      : null;
  return mount(
    container,
    {
      height,
      scales: {
        x: seconds ? { time: true, range: seconds } : { time: true },
        y: yRange ? { range: yRange } : { auto: true },
      },
      axes: [{}, { values: (_u, ticks) => ticks.map(yFormat), size: 60 }],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          dash: s.dash,
          points: { show: x.length < 60 },
          value: (_u, v) => (v === null || v === undefined ? '–' : yFormat(v)),
        })),
      ],
    },
    [x, ...series.map((s) => s.values)],
  );
}

/** A curve over a numeric x axis (reliability bins, survival days). */
export function xyChart(
  container,
  xs,
  series,
  { height = 220, xLabel, yLabel, xRange, yRange, xFormat = (v) => v, yFormat = (v) => v } = {},
) {
  return mount(
    container,
    {
      height,
      scales: {
        x: { time: false, ...(xRange ? { range: xRange } : {}) },
        y: yRange ? { range: yRange } : { auto: true },
      },
      axes: [
        { label: xLabel, values: (_u, ticks) => ticks.map(xFormat) },
        { label: yLabel, values: (_u, ticks) => ticks.map(yFormat), size: 60 },
      ],
      series: [
        { label: xLabel, value: (_u, v) => (v === null || v === undefined ? '–' : xFormat(v)) },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          dash: s.dash,
          spanGaps: true,
          points: { show: s.points ?? false },
          value: (_u, v) => (v === null || v === undefined ? '–' : yFormat(v)),
        })),
      ],
    },
    [xs, ...series.map((s) => s.values)],
  );
}
