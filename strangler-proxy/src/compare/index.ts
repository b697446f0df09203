/**
 * The comparison engine's public API: compile rules once per route, compare each mirrored pair, learn
 * noise from legacy-vs-legacy pairs, redact what is kept. Everything here is pure and synchronous.
 */
export type {
  BodyDigest,
  BodyMode,
  CapturedResponse,
  DiffKind,
  Difference,
  FailureKind,
  Outcome,
  Verdict,
} from './verdict.ts';
export { compareResponses, failedVerdict } from './compare-responses.ts';
export { DEFAULT_LIMITS, NO_RULES, compileCompareRules, validateCompareRules } from './compile-rules.ts';
export type { BodyRule, CompareLimits, CompiledRules, RuleIssue } from './compile-rules.ts';
export {
  DEFAULT_MAX_NOISE_PATHS,
  combineNoise,
  createNoiseModel,
  headerPart,
  isNoisy,
  learnNoise,
  newNoisyPaths,
  noiseClassOf,
  noisyEntries,
  noisyPaths,
} from './noise-model.ts';
export type { NoiseClass, NoiseEntry, NoiseModel } from './noise-model.ts';
export { REDACTED, SENSITIVE_HEADERS, maskJson, redactHeaders } from './redact.ts';
export {
  JsonPathError,
  compileJsonPath,
  foldPath,
  formatLocation,
  matchesLocation,
  validateJsonPath,
} from './json-path.ts';
export type { JsonLocation, JsonPathPattern, PathKey, PathSegment } from './json-path.ts';
export { compilePaths } from './path-set.ts';
export type { CompiledPaths } from './path-set.ts';
export { DEFAULT_COMPARED_HEADERS, TRANSPORT_HEADERS } from './compare-headers.ts';
export { HOP_BY_HOP_HEADERS, isKeepAlive } from './hop-by-hop.ts';
export { isPlainMatch, plainMatch, signatureOf } from './collect-differences.ts';
export type { Side } from '../config/side.ts';
