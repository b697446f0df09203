/** Signs the token presented to a service, with its key, claims and lifetime (`jose`). */
import { importPKCS8, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { JwtSignConfig } from '../config/auth-schema.ts';
import type { DeepReadonly } from '../config/routes-config.ts';

export interface SignedToken {
  readonly token: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

export interface JwtSigner {
  /** Rejects when the key cannot be read (the caller counts it as the bridge's failure). */
  sign(claims: JWTPayload, now: number): Promise<SignedToken>;
}

export function createJwtSigner(config: DeepReadonly<JwtSignConfig>): JwtSigner {
  let key: Promise<CryptoKey | Uint8Array> | null = null;
  const keyOf = () =>
    (key ??= (async () =>
      config.secret !== undefined
        ? new TextEncoder().encode(config.secret)
        : importPKCS8(config.privateKey ?? '', config.algorithm))());
  return {
    async sign(claims, now) {
      const expiresAt = now + config.lifetime;
      let jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: config.algorithm, typ: 'JWT' })
        .setIssuedAt(Math.floor(now / 1000))
        .setExpirationTime(Math.floor(expiresAt / 1000));
      if (config.issuer !== undefined) jwt = jwt.setIssuer(config.issuer);
      if (config.audience !== undefined) jwt = jwt.setAudience(config.audience);
      try {
        return { token: await jwt.sign(await keyOf()), expiresAt };
      } catch (error) {
        key = null;
        throw error;
      }
    },
  };
}
