/**
 * Writes schema/routes.schema.json from the zod schema. `--check` only compares and exits 1 when the committed
 * file is stale.
 *
 *   node strangler-proxy/scripts/generate-json-schema.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatRoutesJsonSchema, ROUTES_JSON_SCHEMA_PATH } from '../src/config/json-schema.ts';

const target = fileURLToPath(new URL(`../${ROUTES_JSON_SCHEMA_PATH}`, import.meta.url));
const text = formatRoutesJsonSchema();

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    process.stderr.write(`${target} is stale: run node strangler-proxy/scripts/generate-json-schema.ts\n`);
    process.exitCode = 1;
  }
} else {
  writeFileSync(target, text);
  process.stdout.write(`wrote ${target}\n`);
}
