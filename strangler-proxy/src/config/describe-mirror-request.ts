/** `shadow.request` as `routes` and `explain` show it. */
import type { MirrorRequestRule } from './auth-schema.ts';
import type { DeepReadonly } from './routes-config.ts';

/** What `routes` and `explain` show of a rule: header names and the filter, never a value set. */
export function describeMirrorRequest(rule: DeepReadonly<MirrorRequestRule> | undefined): string | null {
  if (rule === undefined) return null;
  const parts: string[] = [];
  if (rule.only !== 'all') parts.push(`only ${rule.only}`);
  if (rule.drop.length > 0) parts.push(`drop ${rule.drop.join(',')}`);
  const renamed = Object.entries(rule.map).map(([from, to]) => `${from}→${to}`);
  if (renamed.length > 0) parts.push(`map ${renamed.join(',')}`);
  const set = Object.keys(rule.set);
  if (set.length > 0) parts.push(`set ${set.join(',')}`);
  return parts.length === 0 ? null : parts.join('; ');
}
