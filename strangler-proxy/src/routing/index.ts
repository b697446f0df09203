/**
 * Routing's public API, pure: normalise a request target, match it against the route table compiled from
 * the config, choose the serving and mirrored sides, and explain the decision.
 */
export {
  MAX_PATH_LENGTH,
  PATH_ERROR_CODES,
  PathError,
  isPathError,
  normalizePath,
  normalizeRequestTarget,
  normalizeSegment,
} from './normalize-path.ts';
export type { NormalizeResult, NormalizedTarget, PathErrorCode } from './normalize-path.ts';
export { parsePathPattern } from './path-pattern.ts';
export type { ParsedPattern, PathPattern, PatternSegment } from './path-pattern.ts';
export { comparePrecedence, describePrecedence } from './precedence.ts';
export { acceptsMethod, acceptsRequest, failedHeaderCondition } from './compile-route.ts';
export type { CompiledRoute, HeaderCondition, MatchRequest } from './compile-route.ts';
export { createRouteTable } from './route-table.ts';
export type { RouteRequest, RouteTable, RouteTableOptions } from './route-table.ts';
export { describePathCase, foldPattern, foldSegments } from './path-case.ts';
export { createSidePolicy, createSideChooser, createTrafficSplit } from './choose-side.ts';
export type { SideDecision, SidePolicy, SideRequest, SplitOptions, TrafficSplit } from './choose-side.ts';
export { BUCKETS, bucketOf, createBucketSeed, shadowSalt } from './bucket.ts';
export { parseStickySource, readCookie, readStickyKey } from './sticky-key.ts';
export type { StickyRequest, StickySource } from './sticky-key.ts';
export { findUnreachableRoutes } from './unreachable-routes.ts';
export type { UnreachableRoute } from './unreachable-routes.ts';
export { explainRoute, formatExplanation } from './explain.ts';
export type {
  CandidateExplanation,
  Check,
  Destination,
  ExplainRequest,
  Explanation,
  SplitExplanation,
} from './explain.ts';
export type { Side } from '../config/side.ts';
