import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { HistorySampleModel, WorkerModel } from './api';
import { h, link, mono, replace } from './dom';
import { amount, amountValue, fixed, int, short } from './format';

export interface SeriesSpec {
  label: string;
  /** A CSS custom property holding the colour, so charts follow the light or dark theme. */
  color: string;
  scale: string;
  format: (v: number) => string;
  dash?: number[];
  fill?: boolean;
}

export interface AxisSpec {
  scale: string;
  side: 'left' | 'right';
  format: (v: number) => string;
}

export interface Chart {
  setData(data: uPlot.AlignedData): void;
}

const HEIGHT = 190;

const clock = (seconds: number): string => new Date(seconds * 1000).toLocaleTimeString('en-GB', { hour12: false });
const clockMs = (seconds: number): string => `${clock(seconds)}.${String(Math.round(seconds * 1000) % 1000).padStart(3, '0')}`;

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/** A time-series chart (x in seconds) that fills its container's width and goes away with the view. */
export function timeChart(container: HTMLElement, series: SeriesSpec[], axes: AxisSpec[], signal: AbortSignal): Chart {
  const text = cssVar('--muted');
  const grid = cssVar('--grid');
  const font = `11px ${cssVar('--font-mono')}`;
  const opts: uPlot.Options = {
    width: Math.max(container.clientWidth, 200),
    height: HEIGHT,
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
    scales: {
      x: {
        time: true,
        // uPlot spans a single sample over 86,400 time units, which in seconds is years: show a minute instead.
        range: (u, min, max) => {
          const xs = u.data[0];
          return xs.length === 1 && xs[0] !== undefined ? [xs[0] - 30, xs[0] + 30] : [min, max];
        },
      },
    },
    series: [
      { value: (_u, v) => (v === null ? '–' : clock(v)) },
      ...series.map((s): uPlot.Series => {
        const color = cssVar(s.color);
        return {
          label: s.label,
          scale: s.scale,
          stroke: color,
          width: 1.5,
          ...(s.fill ? { fill: `${color}22` } : {}),
          ...(s.dash ? { dash: s.dash } : {}),
          points: { show: false },
          value: (_u, v) => (v === null ? '–' : s.format(v)),
        };
      }),
    ],
    axes: [
      {
        stroke: text,
        font,
        space: 70,
        // Clock times only: uPlot's default adds the date on a second line, which crowds a narrow panel.
        // Milliseconds only when ticks are closer than a second (a young chain).
        values: (_u, splits, _axis, _space, increment) => splits.map((v) => (increment < 1 ? clockMs(v) : clock(v))),
        grid: { stroke: grid, width: 1 },
        ticks: { stroke: grid, width: 1 },
      },
      ...axes.map((a): uPlot.Axis => ({
        scale: a.scale,
        side: a.side === 'left' ? 3 : 1,
        stroke: text,
        font,
        size: 56,
        values: (_u, splits) => splits.map((v) => a.format(v)),
        grid: a.side === 'left' ? { stroke: grid, width: 1 } : { show: false },
        ticks: { stroke: grid, width: 1 },
      })),
    ],
  };
  const empty: uPlot.AlignedData = [[], ...series.map(() => [])];
  const plot = new uPlot(opts, empty, container);
  const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(container.clientWidth, 200), height: HEIGHT }));
  resize.observe(container);
  signal.addEventListener('abort', () => {
    resize.disconnect();
    plot.destroy();
  });
  return {
    setData: (data) => {
      plot.setData(data);
      // Without a cursor over the chart, the legend shows the newest values rather than dashes.
      if (plot.cursor.left === undefined || plot.cursor.left < 0) plot.setLegend({ idx: data[0].length - 1 }, false);
    },
  };
}

/**
 * Indexes of samples that follow a gap: blocks far further apart than usual, where the node was down. Lines are
 * broken there (a null point between) rather than drawn across time with no blocks.
 */
function gapStarts(samples: HistorySampleModel[]): Set<number> {
  const deltas = samples.slice(1).map((s, i) => s.timestamp_ms - samples[i]!.timestamp_ms).sort((a, b) => a - b);
  const typical = deltas[Math.floor(deltas.length / 2)] ?? 0;
  const limit = Math.max(2_000, 10 * typical);
  const gaps = new Set<number>();
  for (let i = 1; i < samples.length; i++) {
    if (samples[i]!.timestamp_ms - samples[i - 1]!.timestamp_ms > limit) gaps.add(i);
  }
  return gaps;
}

/** Builds aligned series from samples, with a null point in each gap. */
function series(samples: HistorySampleModel[], gaps: Set<number>, values: ((s: HistorySampleModel, i: number) => number | null)[]): uPlot.AlignedData {
  const xs: number[] = [];
  const ys: (number | null)[][] = values.map(() => []);
  samples.forEach((s, i) => {
    if (gaps.has(i)) {
      xs.push((samples[i - 1]!.timestamp_ms + s.timestamp_ms) / 2000);
      for (const y of ys) y.push(null);
    }
    xs.push(s.timestamp_ms / 1000);
    values.forEach((value, k) => ys[k]!.push(value(s, i)));
  });
  return [xs, ...ys];
}

/** Transactions per block and finality latency, one point per finalized block. */
export function finalitySeries(samples: HistorySampleModel[]): uPlot.AlignedData {
  return series(samples, gapStarts(samples), [(s) => s.transaction_count, (s) => s.finality_ms]);
}

export const GFLOPS_WINDOW = 8;

/**
 * Verified GFLOP/s: compute units (2·m·k·n floating-point or modular operations) verified in the last few blocks
 * over the time they took. A single block's figure is all-or-nothing (a task settles in one block), so it is
 * smoothed over a window of blocks, which never reaches back across a gap.
 */
export function gflopsSeries(samples: HistorySampleModel[]): uPlot.AlignedData {
  // prefix[k] = units verified in samples[0..k). Block j's own units were verified by its timestamp, so the
  // window from j to i counts the blocks after j: prefix[i + 1] - prefix[j + 1].
  const prefix = [0];
  for (const s of samples) prefix.push(prefix[prefix.length - 1]! + s.verified_compute_units);
  const gaps = gapStarts(samples);
  let segment = 0;
  return series(samples, gaps, [
    (s, i) => {
      if (gaps.has(i)) segment = i;
      const j = Math.max(segment, i - GFLOPS_WINDOW);
      const seconds = (s.timestamp_ms - samples[j]!.timestamp_ms) / 1000;
      return seconds > 0 ? (prefix[i + 1]! - prefix[j + 1]!) / 1e9 / seconds : null;
    },
  ]);
}

/** The market's useful-work fraction as it stood at each block, from the blocks finalized while this node process ran. */
export function usefulWorkSeries(samples: HistorySampleModel[]): uPlot.AlignedData {
  const known = samples.filter((s) => s.useful_work_fraction !== null);
  return [
    known.map((s) => s.timestamp_ms / 1000),
    known.map((s) => s.useful_work_fraction! * 100),
    known.map((s) => (s.useful_work_fraction_with_duplicate_execution === null ? null : s.useful_work_fraction_with_duplicate_execution * 100)),
  ];
}

/** Rewards earned by each worker as horizontal bars, with what it lost to slashing beside it. */
export function rewardBars(container: HTMLElement, workers: WorkerModel[]): void {
  if (!workers.length) {
    replace(container, h('p', { class: 'notice muted' }, 'No workers registered.'));
    return;
  }
  const sorted = [...workers].sort((a, b) => amountValue(b.earned) - amountValue(a.earned));
  const max = Math.max(...sorted.map((w) => amountValue(w.earned)), 1);
  replace(
    container,
    h(
      'div',
      { class: 'bars' },
      ...sorted.map((w) =>
        h(
          'div',
          { class: 'bar-row' },
          link(`/workers/${w.address}`, mono(w.address, short(w.address, 12, 6))),
          h('div', { class: 'bar-track' }, h('div', { class: 'bar', style: `width: ${((amountValue(w.earned) / max) * 100).toFixed(2)}%` })),
          h('span', { class: 'num' }, amount(w.earned)),
          h('span', { class: `num ${w.slashed !== '0' ? 'bad' : 'muted'}`, title: 'slashed' }, w.slashed !== '0' ? `−${amount(w.slashed)}` : ''),
        ),
      ),
    ),
  );
}

export const axisFormats = {
  count: (v: number) => int(v),
  ms: (v: number) => `${int(v)} ms`,
  gflops: (v: number) => fixed(v, v < 10 ? 2 : 1),
  percent: (v: number) => `${fixed(v, v < 10 ? 1 : 0)} %`,
};
