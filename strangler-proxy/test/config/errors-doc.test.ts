import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIG_ERROR_CODES, severityOf } from '../../src/config/errors.ts';
import { PATH_ERROR_CODES } from '../../src/routing/normalize-path.ts';
import { PROMOTE_ERROR_CODES } from '../../src/promote/errors.ts';
import { ERROR_CATALOGUE, isErrorCode, type CatalogueEntry } from '../../src/errors/catalogue.ts';
import { CATALOGUE_END, CATALOGUE_START } from '../../src/errors/render-errors-doc.ts';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const documented = [...doc.matchAll(/^### ([A-Z_]+)$/gm)].map((match) => match[1]);
const sectionOf = (code: string) =>
  doc.split(/^### /m).find((section) => section.startsWith(`${code}\n`)) ?? '';

describe('docs/errors.md', () => {
  it('documents every config, path and promotion code exactly once, and no other', () => {
    const codes = [...CONFIG_ERROR_CODES, ...PATH_ERROR_CODES, ...Object.keys(PROMOTE_ERROR_CODES)];
    expect([...documented].sort()).toEqual([...codes].sort());
  });

  it('marks the warnings as warnings', () => {
    for (const code of CONFIG_ERROR_CODES) {
      expect(sectionOf(code).includes('Warning.'), code).toBe(severityOf(code) === 'warning');
    }
  });
});

/** Upper-case string literals in the sources that are not ours: driver and library codes, variable names. */
const FOREIGN = /^(STRANGLER_(?!ERR_)|OTEL_|SQLITE_|HPE_|UND_ERR_|ERR_|EAI_|ETIMEDOUT_STRANGLER$|QUOTE_)/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const srcDir = fileURLToPath(new URL('../../src/', import.meta.url));
const catalogueFile = path.join(srcDir, 'errors', 'catalogue.ts');
/** Code-like literals of every source file but the catalogue's. */
const usedInSources = new Set(
  sourceFiles(srcDir)
    .filter((file) => file !== catalogueFile)
    .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g)])
    .map((match) => match[1] ?? '')
    .filter((code) => !FOREIGN.test(code)),
);

/** Code → [area, status] of the generated table in the doc. */
function documentedTable(): Map<string, [string, string]> {
  const start = doc.indexOf(CATALOGUE_START);
  const end = doc.indexOf(CATALOGUE_END);
  const rows = new Map<string, [string, string]>();
  for (const line of doc.slice(start, end).split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const code = /^`([A-Z0-9_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (code !== undefined) rows.set(code, [cells[2] ?? '', cells[3] ?? '']);
  }
  return rows;
}

describe('the error catalogue', () => {
  it('holds every code the sources use', () => {
    const missing = [...usedInSources].filter((code) => !isErrorCode(code));
    expect(missing).toEqual([]);
  });

  it('holds no code the sources do not use', () => {
    const unused = Object.keys(ERROR_CATALOGUE).filter((code) => !usedInSources.has(code));
    expect(unused).toEqual([]);
  });

  it('is the table of docs/errors.md, code by code with its area and status', () => {
    const table = documentedTable();
    const expected = new Map(
      Object.entries(ERROR_CATALOGUE).map(([code, entry]: [string, CatalogueEntry]) => [
        code,
        [entry.area, entry.status === undefined ? '' : String(entry.status)] as [string, string],
      ]),
    );
    expect(table).toEqual(expected);
  });

  it('knows every code the doc describes', () => {
    expect(documented.filter((code) => !isErrorCode(code ?? ''))).toEqual([]);
  });
});
