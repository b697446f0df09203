/**
 * An inline SVG chart of a route's mismatch rate over time: a line for the rate (broken where nothing was
 * compared), grey bars for the number of pairs compared, and a dashed line at the gate's limit.
 */
import type { TimelinePoint } from '../report-model.ts';
import { escapeHtml } from './escape-html.ts';
import { formatRate, formatTime } from '../format-figures.ts';

const WIDTH = 640;
const HEIGHT = 170;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

export function mismatchChart(timeline: readonly TimelinePoint[], limit: number, label: string): string {
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const rates = timeline.map((point) => (point.compared === 0 ? null : point.mismatched / point.compared));
  const highest = Math.max(limit * 1.5, ...rates.map((rate) => rate ?? 0));
  const top = niceCeiling(highest);
  const most = Math.max(1, ...timeline.map((point) => point.compared));
  const slot = plotWidth / Math.max(1, timeline.length);
  const x = (index: number) => PAD.left + slot * (index + 0.5);
  const y = (rate: number) => PAD.top + plotHeight * (1 - rate / top);
  const parts: string[] = [];

  for (const tick of [0, top / 2, top]) {
    parts.push(
      `<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(tick)}" y2="${y(tick)}"/>`,
      `<text class="tick" x="${PAD.left - 6}" y="${y(tick) + 4}" text-anchor="end">${escapeHtml(formatRate(tick))}</text>`,
    );
  }
  timeline.forEach((point, index) => {
    if (point.compared === 0) return;
    const height = (plotHeight * point.compared) / most;
    parts.push(
      `<rect class="volume" x="${x(index) - slot * 0.4}" y="${PAD.top + plotHeight - height}" width="${slot * 0.8}" height="${height}"><title>${escapeHtml(`${formatTime(point.at)}: ${point.compared} compared, ${point.mismatched} mismatched`)}</title></rect>`,
    );
  });
  parts.push(
    `<line class="limit" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(limit)}" y2="${y(limit)}"/>`,
    `<text class="limit-label" x="${WIDTH - PAD.right}" y="${y(limit) - 4}" text-anchor="end">limit ${escapeHtml(formatRate(limit))}</text>`,
  );
  for (const run of runs(rates)) {
    const points = run.map((index) => `${x(index).toFixed(1)},${y(rates[index] ?? 0).toFixed(1)}`).join(' ');
    parts.push(`<polyline class="rate" points="${points}"/>`);
    for (const index of run) {
      parts.push(
        `<circle class="rate-point" cx="${x(index).toFixed(1)}" cy="${y(rates[index] ?? 0).toFixed(1)}" r="2.5"/>`,
      );
    }
  }
  const first = timeline[0];
  const last = timeline[timeline.length - 1];
  if (first && last) {
    parts.push(
      `<text class="tick" x="${PAD.left}" y="${HEIGHT - 8}">${escapeHtml(formatTime(first.at))}</text>`,
      `<text class="tick" x="${WIDTH - PAD.right}" y="${HEIGHT - 8}" text-anchor="end">${escapeHtml(formatTime(last.at))}</text>`,
    );
  }
  return `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}"><title>${escapeHtml(label)}</title>${parts.join('')}</svg>`;
}

/** Consecutive indices with a rate: the line breaks where nothing was compared. */
function runs(rates: readonly (number | null)[]): number[][] {
  const out: number[][] = [];
  let current: number[] = [];
  rates.forEach((rate, index) => {
    if (rate === null) {
      if (current.length > 0) out.push(current);
      current = [];
    } else current.push(index);
  });
  if (current.length > 0) out.push(current);
  return out;
}

function niceCeiling(value: number): number {
  if (value <= 0) return 0.01;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((factor) => factor * magnitude >= value) ?? 10;
  return Math.min(1, step * magnitude);
}
