/**
 * Identifiers known to stand for the same record on both sides (a slug the monolith made and the one the
 * service made for the same create). The comparison asks it and owns the interface; the shadow path
 * learns the pairs and passes them in, so comparing stays pure.
 */
export type Identifier = string | number;

export interface Correspondence {
  /** Whether `legacy` (the monolith's value) and `service` (the service's) name the same record. */
  corresponds(legacy: Identifier, service: Identifier): boolean;
}

/** Whether a JSON value can be an identifier (only strings and numbers are). */
export function isIdentifier(value: unknown): value is Identifier {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}
