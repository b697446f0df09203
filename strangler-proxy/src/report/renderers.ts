/**
 * Report formats, looked up by name (`--format`). A new format is a new entry here, not a flag.
 */
import type { ErrorCode } from '../errors/catalogue.ts';
import type { Report } from './report-model.ts';
import { renderTable } from './render-table.ts';
import { renderJson } from './render-json.ts';
import { renderMarkdown } from './render-markdown.ts';
import { renderHtml } from './html/render-html.ts';

export interface RenderOptions {
  /** ANSI colors (terminal formats only). */
  readonly color: boolean;
}

export type ReportRenderer = (report: Report, options: RenderOptions) => string;

const REGISTRY = {
  table: renderTable,
  json: renderJson,
  markdown: renderMarkdown,
  html: renderHtml,
} satisfies Record<string, ReportRenderer>;

export type ReportFormat = keyof typeof REGISTRY;

/** Every renderer by its `--format` name. */
export const renderers: Readonly<Record<ReportFormat, ReportRenderer>> = REGISTRY;

export const REPORT_FORMATS = Object.keys(renderers) as ReportFormat[];

export function isReportFormat(name: string): name is ReportFormat {
  return Object.hasOwn(renderers, name);
}

/** An unknown `--format`; `code` is stable. */
export class ReportFormatError extends Error {
  readonly code: ErrorCode = 'STRANGLER_ERR_REPORT_FORMAT';
  constructor(name: string) {
    super(`unknown report format "${name}"; expected one of ${REPORT_FORMATS.join(', ')}`);
    this.name = 'ReportFormatError';
  }
}

/** The renderer registered under `name`. @throws {@link ReportFormatError} */
export function rendererFor(name: string): ReportRenderer {
  if (!isReportFormat(name)) throw new ReportFormatError(name);
  return renderers[name];
}
