/**
 * One hash for a whole route table: two proxies that applied the same revision of every route show the
 * same value, whatever else differs in their files (comments, key order). Pure (hashing only).
 */
import { createHash } from 'node:crypto';

const TABLE_REVISION_HEX = 12;

export function tableRevision(routeRevisions: Readonly<Record<string, string>>): string {
  const lines = Object.keys(routeRevisions)
    .sort()
    .map((routeId) => `${routeId}\t${routeRevisions[routeId]}`);
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, TABLE_REVISION_HEX);
}
