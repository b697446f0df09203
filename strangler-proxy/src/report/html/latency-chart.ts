/**
 * An inline SVG bar chart of a route's latency on compared pairs: p50 and p95 of legacy and service side
 * by side, on an axis fitted to the largest figure, so the chart says at a glance which side is slower.
 */
import type { Percentiles } from '../report-model.ts';
import { formatMs } from '../format-figures.ts';
import { escapeHtml } from './escape-html.ts';

const WIDTH = 320;
const HEIGHT = 170;
const PAD = { left: 64, right: 56, top: 12, bottom: 12 };

export function latencyChart(
  latency: { readonly legacy: Percentiles; readonly service: Percentiles },
  label: string,
): string {
  const bars = [
    { name: 'legacy p50', side: 'legacy', value: latency.legacy.p50 },
    { name: 'legacy p95', side: 'legacy', value: latency.legacy.p95 },
    { name: 'service p50', side: 'service', value: latency.service.p50 },
    { name: 'service p95', side: 'service', value: latency.service.p95 },
  ];
  const most = Math.max(0, ...bars.map((bar) => bar.value ?? 0));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const slot = (HEIGHT - PAD.top - PAD.bottom) / bars.length;
  const parts = bars.map((bar, index) => {
    const y = PAD.top + slot * index;
    const width = most === 0 || bar.value === null ? 0 : (plotWidth * bar.value) / most;
    return (
      `<text class="tick" x="${PAD.left - 6}" y="${(y + slot * 0.65).toFixed(1)}" text-anchor="end">${bar.name}</text>` +
      `<rect class="latency-${bar.side}" x="${PAD.left}" y="${(y + slot * 0.2).toFixed(1)}" width="${width.toFixed(1)}" height="${(slot * 0.6).toFixed(1)}"/>` +
      `<text class="tick" x="${(PAD.left + width + 4).toFixed(1)}" y="${(y + slot * 0.65).toFixed(1)}">${escapeHtml(formatMs(bar.value))}</text>`
    );
  });
  return `<svg class="chart latency" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}"><title>${escapeHtml(label)}</title>${parts.join('')}</svg>`;
}
