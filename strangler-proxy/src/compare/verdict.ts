/**
 * The comparison's vocabulary: one immutable verdict per legacy/service pair, with typed differences.
 * A pair is always oriented legacy → service, whichever side served the client.
 */
import type { Side } from '../config/side.ts';

/** Where two answers differ. */
export type DiffKind =
  | 'status' // status codes differ
  | 'header' // a compared header differs, is missing or is extra
  | 'value' // same JSON type, different value
  | 'type' // different JSON types (e.g. "12.50" vs 12.5)
  | 'missing' // present in legacy, absent from service
  | 'extra' // absent from legacy, present in service
  | 'length' // arrays of different length
  | 'order' // same elements, different order
  | 'text' // non-JSON text bodies differ
  | 'bytes'; // binary bodies differ (compared by hash)

export interface Difference {
  /** `status`, `header:<name>`, or a JSONPath into the body such as `$.items[3].price`. */
  readonly path: string;
  readonly kind: DiffKind;
  readonly legacy?: unknown;
  readonly service?: unknown;
  /**
   * Added: for `text` differences, the UTF-16 offset of the first differing character; for `bytes`, the
   * offset of the first differing byte. `legacy`/`service` then hold an excerpt around it (text) or a
   * {@link BodyDigest} (bytes).
   */
  readonly offset?: number;
}

/**
 * Added: how the bodies were compared. `json` field by field; `text` as text; `bytes` by hash; `truncated`
 * by hash of the captured prefix only, because a body exceeded the capture limit (a match then proves only
 * that the prefixes are equal); `empty` when both bodies are empty.
 */
export type BodyMode = 'json' | 'text' | 'bytes' | 'truncated' | 'empty';

/** Added: what a `bytes` difference reports for each side. */
export interface BodyDigest {
  /** Hex SHA-256 of the captured bytes. */
  readonly sha256: string;
  readonly size: number;
  /** Only a prefix of the body was captured. */
  readonly truncated: boolean;
}

export type Outcome = 'match' | 'mismatch' | 'error';

/** Why one side of a pair produced no comparable answer. */
export type FailureKind = 'timeout' | 'connection_error' | 'too_large' | 'bad_response';

export interface Verdict {
  readonly outcome: Outcome;
  /** Differences that count: neither ignored by a rule nor learned to be noise. */
  readonly differences: readonly Difference[];
  /** Differences at paths learned to be noisy for this route: reported, not counted. */
  readonly noisy: readonly Difference[];
  readonly error?: { readonly side: Side; readonly kind: FailureKind; readonly message: string };
  /**
   * Stable id of the set of (path pattern, kind) in `differences`, indices folded to `[*]`;
   * groups mismatches of the same shape. Empty for a match.
   */
  readonly signature: string;
  /** Added: how the bodies were compared. Absent on error verdicts. */
  readonly bodyMode?: BodyMode;
  /** Added: counted differences beyond the per-verdict cap, counted but not listed (0 when none). */
  readonly omitted?: number;
  /** Added: noisy differences beyond the cap, not listed (0 when none). */
  readonly noisyOmitted?: number;
}

/** A response as captured for comparison (the client never sees this copy). */
export interface CapturedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Uint8Array;
  /** The body exceeded the capture limit; only its first bytes are here. */
  readonly truncated: boolean;
  readonly latencyMs: number;
}
