/**
 * Writes schema/routes.schema.json and docs/configuration.md (the configuration reference) from the zod
 * schema. `--check` only compares and exits 1 when a committed file is stale.
 *
 *   node strangler-proxy/scripts/generate-json-schema.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatRoutesJsonSchema, ROUTES_JSON_SCHEMA_PATH } from '../src/config/json-schema.ts';
import {
  CONFIGURATION_REFERENCE_PATH,
  formatConfigurationReference,
} from '../src/config/configuration-reference.ts';

const outputs = [
  [ROUTES_JSON_SCHEMA_PATH, formatRoutesJsonSchema()],
  [CONFIGURATION_REFERENCE_PATH, formatConfigurationReference()],
] as const;

for (const [relative, text] of outputs) {
  const target = fileURLToPath(new URL(`../${relative}`, import.meta.url));
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current !== text) {
      process.stderr.write(`${target} is stale: run npm run schema\n`);
      process.exitCode = 1;
    }
  } else {
    writeFileSync(target, text);
    process.stdout.write(`wrote ${target}\n`);
  }
}
