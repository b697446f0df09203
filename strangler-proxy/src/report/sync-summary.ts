/**
 * The read-after-write figure of a route in words, the same in every format: how many checks found the
 * service's copy in sync with the monolith's, and the first out-of-sync read.
 */
import type { SyncReport } from './report-model.ts';

/** `data sync: 12 checked, 10 in sync, 2 out of sync, 1 skipped`; null when no check was recorded. */
export function syncLine(sync: SyncReport): string | null {
  if (sync.checked === 0 && sync.skipped === 0) return null;
  const parts = [`${sync.checked} checked`, `${sync.inSync} in sync`, `${sync.outOfSync} out of sync`];
  if (sync.skipped > 0) parts.push(`${sync.skipped} skipped`);
  return `data sync: ${parts.join(', ')}`;
}

/** `/api/articles/a-1: legacy 200, service 404 ($.article.title value)`, per example. */
export function syncExampleLines(sync: SyncReport, limit = 3): string[] {
  return sync.examples.slice(0, limit).map((example) => {
    const where = example.differences
      .slice(0, 3)
      .map((difference) => `${difference.path} ${difference.kind}`)
      .join(', ');
    return `${example.read}: legacy ${example.legacyStatus}, service ${example.serviceStatus}${where === '' ? '' : ` (${where})`}`;
  });
}
