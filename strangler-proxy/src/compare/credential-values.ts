/**
 * Values that are credentials whatever field holds them: JSON Web Tokens, `Bearer …`/`Basic …`
 * authorization values, API keys of well-known shapes, and long random-looking tokens. Pure.
 *
 * Used to mask credentials in stored samples where no rule names the field (a token a login answer
 * returns under `user.token`, a key pasted into a note). A false positive costs a masked value in a
 * sample; a false negative stores a secret, so doubt masks.
 */

/** A JWS/JWT in compact form: three base64url parts, the header starting `{"` (`eyJ`). */
const JWT = /^eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*$/;
/** An authorization value: a scheme, then its credentials. */
const AUTHORIZATION = /^(?:bearer|basic|digest|token|apikey|negotiate)\s+\S{6,}/i;
/** Keys of well-known services, recognisable by their prefix. */
const KNOWN_KEY =
  /^(?:(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{8,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{30,}|glpat-[A-Za-z0-9_-]{20,})$/;
/** Characters of base64, base64url and hex tokens. */
const TOKEN_CHARACTERS = /^[A-Za-z0-9+/_=-]+$/;
/** Long enough to be a random token rather than a word or an identifier. */
const MIN_RANDOM_TOKEN_LENGTH = 32;
/** Bits per character above which a mixed-case alphanumeric string reads as random (a UUID has less). */
const MIN_RANDOM_ENTROPY = 4;

/** Whether a whole value is a credential by its shape. */
export function looksLikeCredential(value: string): boolean {
  const text = value.trim();
  if (text.length < 8) return false;
  return JWT.test(text) || AUTHORIZATION.test(text) || KNOWN_KEY.test(text) || looksRandom(text);
}

/**
 * A long token of mixed case and digits whose characters are close to uniformly spread: what key
 * generators produce. Hex digests and UUIDs (one case, fewer symbols) and prose do not qualify.
 */
function looksRandom(text: string): boolean {
  if (text.length < MIN_RANDOM_TOKEN_LENGTH || !TOKEN_CHARACTERS.test(text)) return false;
  if (!/[a-z]/.test(text) || !/[A-Z]/.test(text) || !/[0-9]/.test(text)) return false;
  return entropyPerCharacter(text) >= MIN_RANDOM_ENTROPY;
}

function entropyPerCharacter(text: string): number {
  const counts = new Map<string, number>();
  for (const character of text) counts.set(character, (counts.get(character) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const share = count / text.length;
    bits -= share * Math.log2(share);
  }
  return bits;
}

/** Candidate tokens inside free text: runs of token characters (dots for JWTs). */
const CANDIDATES = /[A-Za-z0-9+/_=.-]{8,}/g;
/** An authorization scheme followed by its credentials inside free text. */
const AUTHORIZATION_IN_TEXT = /\b(bearer|basic|digest|token|apikey)(\s+)([A-Za-z0-9._~+/=-]{6,})/gi;

/**
 * `text` with every credential found in it replaced by `mark(credential)`; the rest byte for byte.
 * For bodies that are not JSON (HTML, plain text, form fields), where no field name can tell.
 */
export function maskCredentialsIn(text: string, mark: (credential: string) => string): string {
  const masked = text.replace(
    AUTHORIZATION_IN_TEXT,
    (_whole, scheme: string, space: string, credential: string) => `${scheme}${space}${mark(credential)}`,
  );
  return masked.replace(CANDIDATES, (candidate) =>
    looksLikeCredential(candidate) ? mark(candidate) : candidate,
  );
}
