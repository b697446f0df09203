/**
 * Likely causes of a route's mismatches, named from the figures the store already holds (difference
 * counts and the kept samples), each with its evidence and the next step: what a user would conclude
 * reading the numbers. Status-class causes come first (a service that refuses or fails every request
 * makes every other difference a consequence), then data that is out of sync, then other statuses.
 * Pure.
 */
import { percent } from './route-verdict.ts';
import type { RootCauseHint, SampleAnswer } from './report-model.ts';
import type { DiffKind } from '../compare/verdict.ts';

/** What the hints read of a route. */
export interface HintFigures {
  readonly compared: number;
  /** Pairs where one side failed to answer (timeouts, connection errors). */
  readonly errors: number;
  /** Difference counts, folded paths. */
  readonly diffs: readonly { readonly path: string; readonly kind: DiffKind; readonly count: number }[];
  /** Kept samples: the statuses and bodies behind the counts. */
  readonly samples: readonly {
    readonly request: { readonly method: string; readonly url: string };
    readonly legacy: SampleAnswer | null;
    readonly service: SampleAnswer | null;
  }[];
}

/** A count-like member: a differing value there means the two sides hold different numbers of records. */
const COUNT_FIELD = /(^|[._])(total|count|total_?count|total_?items|total_?results|num_\w+)$/i;

const EXCERPT = 160;

/** The hints for one route, most decisive first; empty when nothing stands out. */
export function rootCauseHints(figures: HintFigures): RootCauseHint[] {
  const { compared } = figures;
  if (compared === 0) return [];
  const hints: RootCauseHint[] = [...statusHints(figures)];
  const sync = outOfSync(figures);
  if (sync !== undefined) hints.push(sync);
  if (figures.errors > 0) {
    hints.push({
      cause: 'service_failing',
      share: figures.errors / compared,
      summary: `${percent(figures.errors / compared)} of pairs have no answer from one side: is the service reachable and fast enough?`,
      evidence: `${figures.errors} of ${compared} compared pairs ended in a timeout or a connection error`,
      nextStep:
        'check the service\'s health and its shadow.timeout; the report\'s "not compared" line counts them by reason',
    });
  }
  // Status-class hints lead, then by share.
  return hints.sort((a, b) => rank(a) - rank(b) || b.share - a.share);
}

function rank(hint: RootCauseHint): number {
  return hint.cause === 'credentials' || hint.cause === 'data_not_migrated' || hint.cause === 'service_error'
    ? 0
    : 1;
}

function statusHints(figures: HintFigures): RootCauseHint[] {
  const statusCount = figures.diffs.find((diff) => diff.kind === 'status')?.count ?? 0;
  if (statusCount === 0) return [];
  const { compared } = figures;
  const share = statusCount / compared;
  const pairs = figures.samples.filter(
    (sample) =>
      sample.legacy !== null && sample.service !== null && sample.legacy.status !== sample.service.status,
  );
  const byClass = Map.groupBy(pairs, (sample) => classOf(sample.legacy!.status, sample.service!.status));
  const hints: RootCauseHint[] = [];
  const counted = `${statusCount} of ${compared} compared pairs`;
  for (const [cause, group] of byClass) {
    const example = group[0]!;
    const statuses = distinct(group.map((sample) => sample.service!.status)).join('/');
    const legacyStatuses = distinct(group.map((sample) => sample.legacy!.status)).join('/');
    const seen = `${counted} differ in status; the kept examples show the monolith ${legacyStatuses}, the service ${statuses} (e.g. ${example.request.method} ${example.request.url})`;
    if (cause === 'credentials') {
      hints.push({
        cause,
        share,
        summary: `the service answered ${statuses} to ${percent(share)}: does it accept these credentials?`,
        evidence: seen,
        nextStep:
          "check that the service accepts the monolith's tokens or session cookies (same signing key, issuer, session store); mirrors carry the client's own Authorization and Cookie",
      });
    } else if (cause === 'data_not_migrated') {
      hints.push({
        cause,
        share,
        summary: `the service answered 404 to ${percent(share)} where the monolith found the record: is its data migrated?`,
        evidence: seen,
        nextStep:
          "look the example's id up in the service's database; run or resume the data migration before comparing further",
      });
    } else if (cause === 'service_error') {
      const body = mostCommon(
        group.map((sample) => sample.service!.body ?? '').filter((text) => text !== ''),
      );
      hints.push({
        cause,
        share,
        summary: `the service answered ${statuses} to ${percent(share)}: a bug in the service`,
        evidence: body === undefined ? seen : `${seen}; its most common error body: ${excerpt(body)}`,
        nextStep:
          "read the service's logs for the example request; every other difference of these pairs follows from the error",
      });
    } else {
      hints.push({
        cause: 'status_differs',
        share,
        summary: `statuses differ on ${percent(share)}: the monolith ${legacyStatuses}, the service ${statuses}`,
        evidence: seen,
        nextStep: `if both mean the same to clients, accept it with compare.status: { ${example.legacy!.status}: ${example.service!.status} }; otherwise fix the service`,
      });
    }
  }
  if (byClass.size === 0) {
    hints.push({
      cause: 'status_differs',
      share,
      summary: `statuses differ on ${percent(share)}`,
      evidence: `${counted} differ in status; no example was kept`,
      nextStep: 'fix the service, or accept the difference with compare.status',
    });
  }
  return hints;
}

type StatusCause = 'credentials' | 'data_not_migrated' | 'service_error' | 'other';

function classOf(legacy: number, service: number): StatusCause {
  const legacyOk = legacy < 400;
  if (service >= 500 && legacy < 500) return 'service_error';
  if (legacyOk && (service === 401 || service === 403)) return 'credentials';
  if (legacyOk && service === 404) return 'data_not_migrated';
  return 'other';
}

function outOfSync(figures: HintFigures): RootCauseHint | undefined {
  const candidates = figures.diffs.filter(
    (diff) =>
      diff.kind === 'length' ||
      (diff.kind === 'value' && !diff.path.startsWith('header:') && COUNT_FIELD.test(diff.path)),
  );
  const top = candidates.sort((a, b) => b.count - a.count)[0];
  if (top === undefined) return undefined;
  const share = top.count / figures.compared;
  const what = top.kind === 'length' ? `list lengths differ at ${top.path}` : `counts differ at ${top.path}`;
  return {
    cause: 'data_out_of_sync',
    share,
    summary: `${what} on ${percent(share)}: is the service's data in sync?`,
    evidence: `${top.count} of ${figures.compared} compared pairs${
      candidates.length > 1
        ? `; also ${candidates
            .slice(1, 4)
            .map((diff) => diff.path)
            .join(', ')}`
        : ''
    }`,
    nextStep:
      'compare record counts in both databases for the example request; re-run the data migration or check the replication (CDC) that keeps the service in sync',
  };
}

function distinct(values: readonly number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: string | undefined;
  for (const [value, count] of counts) if (best === undefined || count > counts.get(best)!) best = value;
  return best;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= EXCERPT ? flat : `${flat.slice(0, EXCERPT)}…`;
}
