import type { ChartConfiguration, TooltipItem } from 'chart.js';
import type { Overview, Providers, ReportDaily } from './api.js';
import { axisColours, seriesStyle, type BarInterval, type Marker } from './chart.js';
import { pct, tick, utcDay } from './format.js';

type Series = Overview['series'];
type Window = Overview['window'];
type Split = Overview['split'];
type Cell = Providers['matrix'][number];

interface RatePoint {
  x: number;
  y: number | null;
  n: number;
  low: number | null;
  high: number | null;
}

const DAY_MS = 86_400_000;
const AXIS_TITLE: Record<Window['bucket'], string> = { hour: 'Time (per hour)', day: 'Date (per UTC day)', week: 'Date (per UTC week, from Monday)' };

/** A point's tooltip title: its hour, or for a week the UTC days it counts (the window may cut its first and last weeks). */
function pointTitle(at: number, window: Window): string {
  if (window.bucket !== 'week') return tick(at, 0);
  const nextMonday = at - ((at + 3 * DAY_MS) % (7 * DAY_MS)) + 7 * DAY_MS;
  return `${utcDay(at)} – ${utcDay(Math.min(nextMonday, window.to) - DAY_MS)} (per UTC week)`;
}

function timeAxis(window: Window, text: string, grid: string) {
  const span = window.to - window.from;
  return {
    type: 'linear' as const,
    min: window.from,
    max: window.to,
    ticks: { color: text, maxTicksLimit: 8, callback: (value: number | string) => tick(Number(value), span) },
    grid: { color: grid },
    title: { display: true, text: AXIS_TITLE[window.bucket], color: text },
  };
}

function percentAxis(text: string, grid: string, title: string) {
  return {
    min: 0,
    max: 100,
    ticks: { color: text, callback: (value: number | string) => `${value}%` },
    grid: { color: grid },
    title: { display: true, text: title, color: text },
  };
}

/** Inbox rate per sending provider over time; the tooltip gives the samples and the 95% interval. */
export function inboxLines(series: Series, window: Window, markers: Marker[] = []): ChartConfiguration<'line', RatePoint[]> {
  const { text, grid } = axisColours();
  return {
    type: 'line',
    data: {
      datasets: series.map((s, i) => ({
        label: s.provider,
        data: s.at.map((x, j) => {
          const n = s.samples[j] ?? 0;
          return { x, y: n > 0 ? ((s.inbox[j] ?? 0) / n) * 100 : null, n, low: s.low[j] ?? null, high: s.high[j] ?? null };
        }),
        parsing: { xAxisKey: 'x', yAxisKey: 'y' },
        spanGaps: false,
        ...seriesStyle(i),
      })),
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: { x: timeAxis(window, text, grid), y: percentAxis(text, grid, 'Inbox rate') },
      plugins: {
        legend: { labels: { color: text, usePointStyle: true } },
        tooltip: {
          callbacks: {
            title: (items: TooltipItem<'line'>[]) => (items[0] ? pointTitle(items[0].parsed.x ?? 0, window) : ''),
            label: (item: TooltipItem<'line'>) => {
              const p = item.raw as RatePoint;
              return `${item.dataset.label}: ${pct(p.y === null ? null : p.y / 100)} inbox of ${p.n} (95%: ${pct(p.low)}–${pct(p.high)})`;
            },
          },
        },
        iwMarkers: markers,
      },
    },
  };
}

const SPLIT = [
  ['inbox', 'Inbox', '#2f9d5a'],
  ['tabs', 'Gmail tabs', '#c98a12'],
  ['otherFolder', 'Other folder', '#8e5bd0'],
  ['spam', 'Spam', '#d04a2f'],
  ['missing', 'Missing', '#6b7280'],
] as const;

/** Where mail landed per mailbox provider, stacked to 100%. */
export function splitBars(split: Split): ChartConfiguration<'bar'> {
  const { text, grid } = axisColours();
  return {
    type: 'bar',
    data: {
      labels: split.map((s) => `${s.key} (n=${s.samples})`),
      datasets: SPLIT.map(([key, label, colour], i) => ({
        label,
        data: split.map((s) => (s.rates[key].rate ?? 0) * 100),
        backgroundColor: colour,
        borderColor: colour,
        // Pattern-free stacks: each segment is also named in the tooltip and the table beside the chart.
        borderWidth: i === 0 ? 0 : 1,
      })),
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { stacked: true, ticks: { color: text }, grid: { color: grid }, title: { display: true, text: 'Mailbox provider', color: text } },
        y: { ...percentAxis(text, grid, 'Share of messages'), stacked: true },
      },
      plugins: {
        legend: { labels: { color: text } },
        tooltip: { callbacks: { label: (item: TooltipItem<'bar'>) => `${item.dataset.label}: ${(item.parsed.y ?? 0).toFixed(0)}%` } },
      },
    },
  };
}

/** The chosen providers' inbox rate per mailbox provider, each bar with its 95% interval and sample count. */
export function compareBars(matrix: readonly Cell[], providers: readonly string[], mailboxProviders: readonly string[]): ChartConfiguration<'bar'> {
  const { text, grid } = axisColours();
  const cell = (provider: string, mbp: string) => matrix.find((c) => c.provider === provider && c.mailboxProvider === mbp);
  const intervals: Record<number, Array<BarInterval | null>> = {};
  providers.forEach((provider, i) => {
    intervals[i] = mailboxProviders.map((mbp) => {
      const c = cell(provider, mbp);
      return c?.rates.inbox.ci95 ? { low: c.rates.inbox.ci95.low, high: c.rates.inbox.ci95.high, n: c.samples } : null;
    });
  });
  return {
    type: 'bar',
    data: {
      labels: [...mailboxProviders],
      datasets: providers.map((provider, i) => {
        const style = seriesStyle(i);
        return {
          label: provider,
          data: mailboxProviders.map((mbp) => (cell(provider, mbp)?.rates.inbox.rate ?? 0) * 100),
          backgroundColor: `${style.backgroundColor}99`,
          borderColor: style.borderColor,
          borderWidth: 2,
        };
      }),
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { ticks: { color: text }, grid: { color: grid }, title: { display: true, text: 'Mailbox provider', color: text } },
        y: percentAxis(text, grid, 'Inbox rate (whiskers: 95% interval)'),
      },
      plugins: {
        legend: { labels: { color: text } },
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<'bar'>) => {
              const c = cell(providers[item.datasetIndex] ?? '', mailboxProviders[item.dataIndex] ?? '');
              if (!c) return `${item.dataset.label}: no samples`;
              return `${item.dataset.label}: ${pct(c.rates.inbox.rate)} inbox of ${c.samples} (95%: ${pct(c.rates.inbox.ci95?.low)}–${pct(c.rates.inbox.ci95?.high)})`;
            },
          },
        },
        iwIntervals: intervals,
      },
    },
  };
}

const DAY = 86_400_000;

/** Every UTC day the range touches, so days without reports show as gaps rather than vanishing. */
function daysOf(from: number, to: number): number[] {
  const days: number[] = [];
  for (let day = Math.floor(from / DAY) * DAY; day < to; day += DAY) days.push(day);
  return days;
}

/** DMARC report volume per day (bars, left axis) with the share passing DMARC (line, right axis). */
export function dmarcDaily(daily: ReportDaily['days'], window: { from: number; to: number }): ChartConfiguration<'bar' | 'line'> {
  const { text, grid } = axisColours();
  const byDay = new Map(daily.map((d) => [d.day, d]));
  const days = daysOf(window.from, window.to);
  const volume = seriesStyle(0);
  const rate = seriesStyle(2);
  return {
    type: 'bar',
    data: {
      labels: days.map(utcDay),
      datasets: [
        { type: 'bar', label: 'Messages reported', data: days.map((d) => byDay.get(d)?.messages ?? 0), backgroundColor: `${volume.backgroundColor}88`, borderColor: volume.borderColor, borderWidth: 1, yAxisID: 'y', order: 2 },
        {
          type: 'line',
          label: 'DMARC pass rate',
          data: days.map((d) => {
            const day = byDay.get(d);
            return day && day.messages > 0 ? (day.passed / day.messages) * 100 : null;
          }),
          ...rate,
          pointStyle: 'triangle',
          pointRadius: 4,
          spanGaps: false,
          yAxisID: 'rate',
          order: 1,
        },
      ],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { ticks: { color: text, maxTicksLimit: 10 }, grid: { color: grid }, title: { display: true, text: 'Report day (UTC)', color: text } },
        y: { beginAtZero: true, position: 'left', ticks: { color: text, precision: 0 }, grid: { color: grid }, title: { display: true, text: 'Messages', color: text } },
        rate: { ...percentAxis(text, grid, 'DMARC pass rate'), position: 'right', grid: { drawOnChartArea: false } },
      },
      plugins: {
        legend: { labels: { color: text, usePointStyle: true } },
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<'bar' | 'line'>) => {
              const day = byDay.get(days[item.dataIndex] ?? 0);
              if (item.datasetIndex === 0) return `${item.parsed.y ?? 0} messages`;
              return day && day.messages > 0 ? `${pct(day.passed / day.messages, 1)} passed DMARC (${day.passed} of ${day.messages})` : 'no reports';
            },
          },
        },
      },
    },
  };
}
