/**
 * Writes the table of every error code into docs/errors.md from the catalogue (`src/errors/catalogue.ts`).
 * `--check` only compares and exits 1 when the committed file is stale.
 *
 *   node strangler-proxy/scripts/generate-errors-doc.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { withCatalogueTable } from '../src/errors/render-errors-doc.ts';

const target = fileURLToPath(new URL('../docs/errors.md', import.meta.url));
const current = readFileSync(target, 'utf8');
// Formatted as the repository's format check wants it, so that a fresh generation is a no-op.
const options = await prettier.resolveConfig(target);
const text = await prettier.format(withCatalogueTable(current), { ...options, filepath: target });

if (process.argv.includes('--check')) {
  if (current !== text) {
    process.stderr.write(`${target} is stale: run node strangler-proxy/scripts/generate-errors-doc.ts\n`);
    process.exitCode = 1;
  }
} else {
  writeFileSync(target, text);
  process.stdout.write(`wrote ${target}\n`);
}
