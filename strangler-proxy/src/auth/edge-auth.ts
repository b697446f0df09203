/**
 * Token auth at the edge (a route's `auth`, or `defaults.auth`): a request on such a route without a
 * valid bearer token gets 401 with a JSON body naming the problem, and nothing is forwarded. A valid
 * token's claims are passed to both sides as headers (`claimsHeaders`), which the client cannot forge:
 * those headers are removed from every request on the route before they are set.
 *
 * It wraps the request handler, so a table without `auth` costs nothing: the route is matched here only
 * when some route has it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EdgeAuthConfig } from '../config/auth-schema.ts';
import type { DeepReadonly } from '../config/routes-config.ts';
import { compileJsonPath, type JsonPathPattern } from '../compare/json-path.ts';
import { firstValue } from '../compare/json-values.ts';
import { normalizeRequestTarget } from '../routing/normalize-path.ts';
import { sendFailure, type ProxyFailure } from '../proxy/failure-status.ts';
import type { RequestHandler } from '../proxy/request-handler.ts';
import type { RoutingSnapshot } from '../proxy/routing-snapshot.ts';
import { bearerToken } from './bearer-token.ts';
import { createJwtVerifier, type JwtProblem, type JwtVerifier } from './verify-jwt.ts';

interface EdgeGate {
  readonly required: boolean;
  readonly verifier: JwtVerifier;
  readonly claimsHeaders: ReadonlyArray<readonly [string, JsonPathPattern]>;
}

const FAILURE_OF: Readonly<Record<JwtProblem, ProxyFailure>> = {
  missing: 'auth_missing',
  expired: 'auth_expired',
  bad_signature: 'auth_bad_signature',
  wrong_audience: 'auth_wrong_audience',
  invalid: 'auth_invalid',
};

export function withEdgeAuth(inner: RequestHandler, current: () => RoutingSnapshot): RequestHandler {
  const gatesBySnapshot = new WeakMap<RoutingSnapshot, ReadonlyMap<string, EdgeGate>>();
  const gatesOf = (snapshot: RoutingSnapshot) => {
    let gates = gatesBySnapshot.get(snapshot);
    if (gates === undefined) {
      gates = compileGates(snapshot);
      gatesBySnapshot.set(snapshot, gates);
    }
    return gates;
  };

  return (req, res) => {
    const snapshot = current();
    const gates = gatesOf(snapshot);
    if (gates.size === 0) return inner(req, res);
    const target = req.url ?? '';
    const normalised = target.charCodeAt(0) === 0x2f ? normalizeRequestTarget(target) : null;
    // Whatever is refused for its target is the handler's to answer.
    if (normalised === null || !normalised.ok) return inner(req, res);
    const route = snapshot.match(req.method ?? 'GET', normalised.segments, req.headers);
    const gate = route === null ? undefined : gates.get(route.id);
    if (gate === undefined) return inner(req, res);
    for (const [name] of gate.claimsHeaders) delete req.headers[name];
    const token = bearerToken(req.headers);
    if (token === null) {
      if (gate.required || req.headers.authorization !== undefined) return refuse(res, 'auth_missing');
      return inner(req, res);
    }
    void gate.verifier.verify(token).then((verified) => {
      if (res.destroyed) return;
      if (!verified.ok) return refuse(res, FAILURE_OF[verified.problem], verified.detail);
      for (const [name, path] of gate.claimsHeaders) {
        const value = firstValue(verified.claims, path);
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
          req.headers[name] = String(value);
      }
      inner(req, res);
    });
  };
}

function refuse(res: ServerResponse, failure: ProxyFailure, detail?: string): void {
  const id = (res.req as IncomingMessage | undefined)?.headers['x-request-id'];
  sendFailure(res, failure, typeof id === 'string' ? id : '', detail);
}

function compileGates(snapshot: RoutingSnapshot): ReadonlyMap<string, EdgeGate> {
  const gates = new Map<string, EdgeGate>();
  // One verifier per configuration: routes sharing `defaults.auth` share its key import.
  const verifiers = new Map<string, JwtVerifier>();
  for (const route of snapshot.routes.values()) {
    const auth: DeepReadonly<EdgeAuthConfig> | undefined = route.config.auth;
    if (auth === undefined) continue;
    const key = JSON.stringify(auth.jwt);
    let verifier = verifiers.get(key);
    if (verifier === undefined) {
      verifier = createJwtVerifier(auth.jwt);
      verifiers.set(key, verifier);
    }
    gates.set(route.id, {
      required: auth.required,
      verifier,
      claimsHeaders: Object.entries(auth.claimsHeaders).map(([name, path]) => [name, compileJsonPath(path)]),
    });
  }
  return gates;
}
