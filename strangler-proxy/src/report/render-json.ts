/** The report as JSON: the stable contract of `docs/report-format.md`, for scripts and CI gates. */
import type { Report } from './report-model.ts';

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
