import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
  type ChartType,
  type Plugin,
} from 'chart.js';
import { css, html, LitElement, type PropertyValues } from 'lit';

/** One interval per bar: the 95% interval of the rate (0–1) and the number of samples behind it. */
export interface BarInterval {
  low: number;
  high: number;
  n: number;
}

/** A vertical marker on a time axis. */
export interface Marker {
  x: number;
  colour: string;
}

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends ChartType> {
    /** Per dataset index, the interval for each bar. */
    iwIntervals?: Record<number, Array<BarInterval | null>>;
    iwMarkers?: Marker[];
  }
}

/** Draws each bar's 95% interval as a whisker and its sample count above it, so 4 samples never look like 400. */
const intervals: Plugin = {
  id: 'iwIntervals',
  afterDatasetsDraw(chart) {
    // Chart.js hands plugin options over deeply partial; they are built whole by chart-configs.ts.
    const options = chart.options.plugins?.iwIntervals as Record<number, Array<BarInterval | null>> | undefined;
    if (!options) return;
    const { ctx } = chart;
    const y = chart.scales.y;
    if (!y) return;
    const style = getComputedStyle(chart.canvas);
    ctx.save();
    ctx.strokeStyle = style.getPropertyValue('--fg') || '#000';
    ctx.fillStyle = style.getPropertyValue('--muted') || '#555';
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.lineWidth = 1.5;
    for (const [index, list] of Object.entries(options)) {
      const meta = chart.getDatasetMeta(Number(index));
      if (meta.hidden) continue;
      meta.data.forEach((bar, i) => {
        const interval = list[i];
        if (!interval || interval.n === 0) return;
        const top = y.getPixelForValue(interval.high * 100);
        const bottom = y.getPixelForValue(interval.low * 100);
        ctx.beginPath();
        ctx.moveTo(bar.x, top);
        ctx.lineTo(bar.x, bottom);
        ctx.moveTo(bar.x - 4, top);
        ctx.lineTo(bar.x + 4, top);
        ctx.moveTo(bar.x - 4, bottom);
        ctx.lineTo(bar.x + 4, bottom);
        ctx.stroke();
        ctx.fillText(`n=${interval.n}`, bar.x, Math.max(top - 4, chart.chartArea.top + 10));
      });
    }
    ctx.restore();
  },
};

/** Vertical lines at the events on a timeline, behind the data. */
const markers: Plugin = {
  id: 'iwMarkers',
  beforeDatasetsDraw(chart) {
    // Without markers Chart.js hands the plugin an empty options object.
    const list = chart.options.plugins?.iwMarkers;
    const x = chart.scales.x;
    if (!Array.isArray(list) || !x) return;
    const { ctx, chartArea } = chart;
    ctx.save();
    ctx.setLineDash([4, 4]);
    ctx.lineWidth = 1;
    for (const marker of list as Marker[]) {
      const px = x.getPixelForValue(marker.x);
      if (px < chartArea.left || px > chartArea.right) continue;
      ctx.strokeStyle = marker.colour;
      ctx.beginPath();
      ctx.moveTo(px, chartArea.top);
      ctx.lineTo(px, chartArea.bottom);
      ctx.stroke();
    }
    ctx.restore();
  },
};

// Only what the dashboard draws, so the bundle carries no unused controllers or scales.
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, ScatterController, LinearScale, CategoryScale, Tooltip, Legend, intervals, markers);

/**
 * A chart as an element: the Chart is created once when the element is first rendered (or reconnected),
 * updated in place whenever `config` changes, and destroyed when the element leaves the page.
 */
export class IwChart extends LitElement {
  static override properties = { config: { attribute: false }, label: {} };

  static override styles = css`
    :host { display: block; }
    .box { position: relative; height: var(--chart-height, 280px); }
  `;

  config?: ChartConfiguration;
  /** What the chart shows, for screen readers (the data is also in a table beside it). */
  label = '';
  private chart?: Chart;

  override render() {
    return html`<div class="box"><canvas role="img" aria-label=${this.label}></canvas></div>`;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Back on the page after a disconnect destroyed it: build it again.
    if (this.hasUpdated && !this.chart) this.requestUpdate();
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (!this.config) return;
    if (!this.chart) {
      const canvas = this.renderRoot.querySelector('canvas');
      if (canvas) this.chart = new Chart(canvas, this.config);
      return;
    }
    if (changed.has('config')) {
      this.chart.data = this.config.data;
      this.chart.options = this.config.options ?? {};
      this.chart.update();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.chart?.destroy();
    this.chart = undefined;
  }
}

customElements.define('iw-chart', IwChart);

const PALETTE = ['#2f6fd0', '#d04a2f', '#2f9d5a', '#8e5bd0', '#c98a12', '#138a9c', '#a0522d', '#c2408e', '#6b7280', '#7a8f12'];
const POINTS = ['circle', 'triangle', 'rect', 'rectRot', 'star', 'crossRot', 'rectRounded', 'cross', 'dash', 'line'] as const;
const DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3]];

/** Series styling: colour plus point shape and dash pattern, so lines differ without relying on colour. */
export function seriesStyle(index: number) {
  const colour = PALETTE[index % PALETTE.length] as string;
  return {
    borderColor: colour,
    backgroundColor: colour,
    pointStyle: POINTS[index % POINTS.length],
    borderDash: DASHES[index % DASHES.length],
    pointRadius: 3,
    borderWidth: 2,
  };
}

export function themeColour(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/** Axis and legend colours from the current theme. */
export function axisColours() {
  return { text: themeColour('--muted'), grid: themeColour('--line'), fg: themeColour('--fg') };
}
