/**
 * The routes.yaml blocks for authenticated and write traffic: how a mirror's request is rewritten
 * (`shadow.request`), which identifiers of a mirrored write correspond (`shadow.correlate`), the read
 * after a write (`shadow.verify`), the auth bridge of a service (`services.X.auth`) and token auth at the
 * edge (`auth`). Part of the one schema (`schema.ts` composes them); secrets come from `${VAR}` values.
 */
import { z } from 'zod';
import { durationSchema as duration } from './duration-schema.ts';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const headerName = z
  .string()
  .regex(HEADER_NAME, 'expected a header name')
  .transform((name) => name.toLowerCase());

/** Must be `$`-rooted; the loader checks the subset (`check-routes.ts`). */
const jsonPath = z.string().startsWith('$');

/** Which mirrored requests a service can take: by whether they carry a credential. */
export const MIRROR_ONLY = ['all', 'anonymous', 'authenticated'] as const;
export type MirrorOnly = (typeof MIRROR_ONLY)[number];

export const mirrorRequestSchema = z.strictObject({
  drop: z.array(headerName).default([]).describe('Headers removed from mirrored requests.'),
  set: z
    .record(headerName, z.string())
    .default({})
    .describe('Headers set on mirrored requests (values may be ${VAR}; never shown).'),
  map: z
    .record(headerName, headerName)
    .default({})
    .describe('Headers renamed on mirrored requests: from → to.'),
  only: z
    .enum(MIRROR_ONLY)
    .default('all')
    .describe(
      'anonymous: mirror only requests without a credential; authenticated: only those with one; all.',
    ),
});

export const JWT_ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

const exactlyOne =
  (keys: readonly string[]) =>
  (value: Record<string, unknown>): boolean =>
    keys.filter((key) => value[key] !== undefined).length === 1;

/** How an incoming JWT is verified: exactly one key source; `exp` and `nbf` are always checked. */
export const jwtVerifySchema = z
  .strictObject({
    secret: z.string().min(1).optional().describe('HS* shared secret (use ${VAR}).'),
    publicKey: z.string().min(1).optional().describe('RS*/PS*/ES*/EdDSA public key, PEM (SPKI).'),
    jwksUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('Where the signer publishes its keys.'),
    algorithms: z.array(z.enum(JWT_ALGORITHMS)).min(1).optional(),
    issuer: z.string().optional().describe('Required `iss`.'),
    audience: z.string().optional().describe('Required `aud`.'),
    clockTolerance: duration.default(0).describe('Leeway for exp and nbf.'),
  })
  .refine(exactlyOne(['secret', 'publicKey', 'jwksUrl']), {
    message: 'give exactly one of secret, publicKey or jwksUrl',
  });

/** How the token presented to the service is signed. */
export const jwtSignSchema = z
  .strictObject({
    secret: z.string().min(1).optional().describe('HS* secret of the service (use ${VAR}).'),
    privateKey: z.string().min(1).optional().describe('Private key, PEM (PKCS#8).'),
    algorithm: z.enum(JWT_ALGORITHMS).default('HS256'),
    lifetime: duration.default(300_000).describe('Lifetime of a signed token (cached for it).'),
    issuer: z.string().optional(),
    audience: z.string().optional(),
    header: headerName.default('authorization').describe('Header the token is presented in.'),
    scheme: z.string().default('Bearer').describe('Prefix of the header value ("" for none).'),
  })
  .refine(exactlyOne(['secret', 'privateKey']), {
    message: 'give exactly one of secret or privateKey',
  });

/** A claim of the signed token: a JSONPath into the verified claims, or a constant. */
export const claimSourceSchema = z.union([
  jsonPath,
  z.strictObject({ const: z.union([z.string(), z.number(), z.boolean()]) }),
]);

export const jwtBridgeSchema = z.strictObject({
  verify: jwtVerifySchema,
  claims: z
    .record(z.string().min(1), claimSourceSchema)
    .default({ sub: '$.sub' })
    .describe('Claims of the service token: name ← JSONPath into the verified claims, or { const }.'),
  sign: jwtSignSchema,
});

export const hookBridgeSchema = z.strictObject({
  module: z
    .string()
    .min(1)
    .describe('Module (relative to the routes file) exporting bridge(request) → headers.'),
  timeout: duration.default(1_000),
});

export const authBridgeSchema = z
  .strictObject({
    jwt: jwtBridgeSchema.optional(),
    hook: hookBridgeSchema.optional(),
  })
  .refine(exactlyOne(['jwt', 'hook']), { message: 'give exactly one of jwt or hook' });

export const edgeAuthSchema = z.strictObject({
  jwt: jwtVerifySchema,
  required: z.boolean().default(true).describe('Refuse requests without a valid token (401).'),
  claimsHeaders: z
    .record(headerName, jsonPath)
    .default({})
    .describe('Headers set from verified claims for both sides, e.g. x-user-id: $.sub.'),
});

/** `GET /api/articles/{$.article.slug}`: a read of the resource a write answered with. */
export const verifyReadSchema = z.strictObject({
  read: z
    .string()
    .regex(/^(GET|HEAD) \/\S*$/, 'expected "GET /path/{$.json.path}"')
    .describe('The read sent to both sides after a write; {$.path} takes a value of the answer.'),
});

export type MirrorRequestRule = z.output<typeof mirrorRequestSchema>;
export type JwtVerifyConfig = z.output<typeof jwtVerifySchema>;
export type JwtSignConfig = z.output<typeof jwtSignSchema>;
export type ClaimSource = z.output<typeof claimSourceSchema>;
export type JwtBridgeConfig = z.output<typeof jwtBridgeSchema>;
export type HookBridgeConfig = z.output<typeof hookBridgeSchema>;
export type AuthBridgeConfig = z.output<typeof authBridgeSchema>;
export type EdgeAuthConfig = z.output<typeof edgeAuthSchema>;
export type VerifyReadConfig = z.output<typeof verifyReadSchema>;
