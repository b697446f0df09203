/**
 * The auth bridge (`services.X.auth`): from the credential a client presented to the monolith, the
 * headers that present the service with one it accepts. `jwt` verifies the monolith's token, maps its
 * claims and signs the service's; `hook` asks a module of the user's. Both run within a timeout; a
 * failure is an outcome (counted by the caller), never an exception, and never carries a secret.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { JWTPayload } from 'jose';
import type { AuthBridgeConfig, JwtBridgeConfig } from '../config/auth-schema.ts';
import type { DeepReadonly } from '../config/routes-config.ts';
import { firstValue } from '../compare/json-values.ts';
import { bearerToken } from './bearer-token.ts';
import { createHookBridge } from './hook-bridge.ts';
import { createJwtSigner } from './sign-jwt.ts';
import { createTokenCache } from './token-cache.ts';
import { createJwtVerifier } from './verify-jwt.ts';

/** What a bridge sees of the client's request. */
export interface BridgeRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<OutgoingHttpHeaders>;
}

export type BridgeOutcome =
  /** Headers to set on the request to the service (none for a request without a credential). */
  | { readonly ok: true; readonly headers: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly reason: string };

export interface AuthBridge {
  present(request: BridgeRequest): Promise<BridgeOutcome>;
}

/** The jwt bridge's bound when routes.yaml gives none (a JWKS fetch may hang). */
const JWT_BRIDGE_TIMEOUT_MS = 2_000;

const STRING_CLAIMS: ReadonlySet<string> = new Set(['sub', 'iss', 'jti']);

const NOTHING: Readonly<Record<string, string>> = Object.freeze({});

export function createAuthBridge(config: DeepReadonly<AuthBridgeConfig>): AuthBridge {
  if (config.hook) {
    const hook = createHookBridge(config.hook.module);
    return bounded(config.hook.timeout, (request) => hook(request));
  }
  if (!config.jwt) throw new Error('an auth bridge needs jwt or hook');
  return bounded(JWT_BRIDGE_TIMEOUT_MS, createJwtBridge(config.jwt));
}

function createJwtBridge(
  config: DeepReadonly<JwtBridgeConfig>,
  now: () => number = Date.now,
): (request: BridgeRequest) => Promise<BridgeOutcome> {
  const verifier = createJwtVerifier(config.verify);
  const signer = createJwtSigner(config.sign);
  const cache = createTokenCache<Readonly<Record<string, string>>>();
  const { header, scheme } = config.sign;
  return async (request) => {
    const token = bearerToken(request.headers);
    if (token === null) {
      // Anonymous, or a credential that is no bearer token: nothing this bridge can translate.
      return request.headers.authorization === undefined
        ? { ok: true, headers: NOTHING }
        : { ok: false, reason: 'the credential is not a bearer token' };
    }
    const at = now();
    const cached = cache.get(token, at);
    if (cached) return { ok: true, headers: cached };
    const verified = await verifier.verify(token);
    if (!verified.ok) return { ok: false, reason: verified.detail };
    const claims = mapClaims(config.claims, verified.claims);
    let signed;
    try {
      signed = await signer.sign(claims, at);
    } catch {
      return { ok: false, reason: "the service's token could not be signed" };
    }
    const headers = Object.freeze({ [header]: scheme === '' ? signed.token : `${scheme} ${signed.token}` });
    cache.set(token, headers, Math.min(signed.expiresAt, verified.expiresAt ?? Infinity));
    return { ok: true, headers };
  };
}

/** The service's claims: each a value of the verified claims (absent when the path selects none) or a constant. */
export function mapClaims(
  mapping: DeepReadonly<JwtBridgeConfig['claims']>,
  verified: JWTPayload,
): JWTPayload {
  const claims: JWTPayload = {};
  for (const [name, source] of Object.entries(mapping)) {
    const value = typeof source === 'string' ? firstValue(verified, source) : source.const;
    // RFC 7519 §4.1: `sub` and `iss` are strings; a numeric user id becomes its text.
    if (value !== undefined)
      claims[name] = STRING_CLAIMS.has(name) && typeof value === 'number' ? String(value) : value;
  }
  return claims;
}

function bounded(timeoutMs: number, present: (request: BridgeRequest) => Promise<BridgeOutcome>): AuthBridge {
  return {
    present(request) {
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<BridgeOutcome>((resolve) => {
        timer = setTimeout(
          () => resolve({ ok: false, reason: `no answer within ${timeoutMs} ms` }),
          timeoutMs,
        );
      });
      const attempt = present(request).catch((): BridgeOutcome => ({
        ok: false,
        reason: 'the bridge threw',
      }));
      return Promise.race([attempt, expired]).finally(() => clearTimeout(timer));
    },
  };
}
