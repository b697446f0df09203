/**
 * The JSONPaths of the auth and write-traffic blocks, checked like compare rules': `shadow.correlate`,
 * the `{$.path}` of `shadow.verify.read`, a service bridge's claim sources, edge auth's claim headers.
 */
import type { KeyPath } from '../config/key-path.ts';
import { isPlain } from '../config/apply-defaults.ts';
import { validateJsonPath } from './json-path.ts';

export type PathProblemSink = (message: string, path: KeyPath) => void;

const SUPPORTED = "(supported: $, .key, ['key'], [n], [*], .*, ..key)";

function check(text: unknown, path: KeyPath, report: PathProblemSink): void {
  if (typeof text !== 'string' || !text.startsWith('$')) return; // the schema reports those
  const invalid = validateJsonPath(text);
  if (invalid !== null) report(`${invalid} ${SUPPORTED}`, path);
}

/** `{$.article.slug}` placeholders of a read template. */
export function templatePaths(template: string): string[] {
  return [...template.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1] ?? '');
}

export function checkRouteAuthPaths(
  route: Record<string, unknown>,
  at: KeyPath,
  report: PathProblemSink,
): void {
  const shadow = route.shadow;
  if (isPlain(shadow)) {
    if (Array.isArray(shadow.correlate))
      shadow.correlate.forEach((item: unknown, i) => check(item, [...at, 'shadow', 'correlate', i], report));
    if (isPlain(shadow.verify) && typeof shadow.verify.read === 'string') {
      for (const path of templatePaths(shadow.verify.read)) {
        if (!path.startsWith('$'))
          report(`"{${path}}" is not a JSONPath`, [...at, 'shadow', 'verify', 'read']);
        else check(path, [...at, 'shadow', 'verify', 'read'], report);
      }
    }
  }
  const auth = route.auth;
  if (isPlain(auth) && isPlain(auth.claimsHeaders)) {
    for (const [name, path] of Object.entries(auth.claimsHeaders))
      check(path, [...at, 'auth', 'claimsHeaders', name], report);
  }
}

export function checkServiceAuthPaths(service: unknown, at: KeyPath, report: PathProblemSink): void {
  if (!isPlain(service) || !isPlain(service.auth) || !isPlain(service.auth.jwt)) return;
  const claims = service.auth.jwt.claims;
  if (!isPlain(claims)) return;
  for (const [name, source] of Object.entries(claims))
    check(source, [...at, 'auth', 'jwt', 'claims', name], report);
}
