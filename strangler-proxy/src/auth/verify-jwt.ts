/**
 * Verifies a JWT with the key routes.yaml names (an HS* secret, a PEM public key or a JWKS URL) through
 * `jose`: signature, algorithm, `exp` and `nbf` always, `iss` and `aud` when configured. Every failure is
 * one of a few named problems, never an exception: any string a client sends may arrive here.
 */
import {
  createRemoteJWKSet,
  importSPKI,
  jwtVerify,
  type CryptoKey,
  type JWTPayload,
  type JWTVerifyGetKey,
  type KeyObject,
} from 'jose';
import type { JwtVerifyConfig } from '../config/auth-schema.ts';
import type { DeepReadonly } from '../config/routes-config.ts';

/** Why a token was refused: edge auth names it in its 401, the bridge counts it as its failure. */
export type JwtProblem = 'missing' | 'expired' | 'bad_signature' | 'wrong_audience' | 'invalid';

export type JwtVerification =
  | {
      readonly ok: true;
      readonly claims: JWTPayload;
      /** Epoch ms, null without `exp`. */ readonly expiresAt: number | null;
    }
  | { readonly ok: false; readonly problem: JwtProblem; readonly detail: string };

export interface JwtVerifier {
  verify(token: string): Promise<JwtVerification>;
}

type VerifyKey = CryptoKey | KeyObject | Uint8Array | JWTVerifyGetKey;

const HMAC = ['HS256', 'HS384', 'HS512'];

export function createJwtVerifier(config: DeepReadonly<JwtVerifyConfig>): JwtVerifier {
  const algorithms = config.algorithms
    ? [...config.algorithms]
    : config.secret !== undefined
      ? HMAC
      : config.publicKey !== undefined
        ? ['RS256']
        : undefined;
  let key: Promise<VerifyKey> | null = null;
  const keyOf = (): Promise<VerifyKey> =>
    (key ??= (async (): Promise<VerifyKey> => {
      if (config.secret !== undefined) return new TextEncoder().encode(config.secret);
      if (config.publicKey !== undefined) return importSPKI(config.publicKey, algorithms?.[0] ?? 'RS256');
      return createRemoteJWKSet(new URL(config.jwksUrl ?? ''), { timeoutDuration: 2_000 });
    })());
  const options = {
    ...(algorithms ? { algorithms } : {}),
    ...(config.issuer !== undefined ? { issuer: config.issuer } : {}),
    ...(config.audience !== undefined ? { audience: config.audience } : {}),
    clockTolerance: Math.floor(config.clockTolerance / 1000),
  };
  return {
    async verify(token) {
      let verifyKey: VerifyKey;
      try {
        verifyKey = await keyOf();
      } catch {
        key = null;
        return { ok: false, problem: 'invalid', detail: 'the verification key could not be read' };
      }
      try {
        const { payload } = await (typeof verifyKey === 'function'
          ? jwtVerify(token, verifyKey, options)
          : jwtVerify(token, verifyKey, options));
        return {
          ok: true,
          claims: payload,
          expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : null,
        };
      } catch (error) {
        return { ok: false, ...problemOf(error) };
      }
    },
  };
}

/** jose's error codes, as the problems the proxy names (messages never include the token). */
function problemOf(error: unknown): { problem: JwtProblem; detail: string } {
  const code = (error as { code?: unknown } | null)?.code;
  const claim = (error as { claim?: unknown } | null)?.claim;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return { problem: 'expired', detail: 'the token has expired' };
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return { problem: 'bad_signature', detail: 'the token signature does not verify' };
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return { problem: 'bad_signature', detail: 'the token is signed with an algorithm not allowed' };
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'aud') return { problem: 'wrong_audience', detail: 'the token is for another audience' };
      if (claim === 'nbf') return { problem: 'invalid', detail: 'the token is not valid yet' };
      if (claim === 'iss') return { problem: 'invalid', detail: 'the token has another issuer' };
      return {
        problem: 'invalid',
        detail: `the token's ${typeof claim === 'string' ? claim : 'claims'} claim is invalid`,
      };
    default:
      return { problem: 'invalid', detail: 'the token is malformed' };
  }
}
