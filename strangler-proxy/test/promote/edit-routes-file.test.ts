import {
  chmod,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  writeFile,
  lstat,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { moveRouteInFile, readRoutesFile } from '../../src/promote/edit-routes-file.ts';
import { editRouteText } from '../../src/promote/edit-routes-text.ts';
import { PromoteError } from '../../src/promote/errors.ts';
import { writeFileAtomically } from '../../src/promote/write-file-atomically.ts';
import { COMMENTED_ROUTES } from './fixtures/commented-routes.ts';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strangler-edit-'));
  file = join(dir, 'routes.yaml');
  await writeFile(file, COMMENTED_ROUTES);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function codeOf(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
  } catch (error) {
    if (error instanceof PromoteError) return error.code;
    throw error;
  }
  return undefined;
}

describe('moveRouteInFile', () => {
  it('writes the edited text and leaves no temporary file behind', async () => {
    const loaded = await readRoutesFile(file);
    const change = await moveRouteInFile(loaded, 'catalog.product', { stage: 'canary', percent: 20 });
    expect(change.written).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(
      editRouteText(COMMENTED_ROUTES, 'catalog.product', { stage: 'canary', percent: 20 }).text,
    );
    expect(change.diff).toContain(
      '-      percent: 5     # raise slowly\n+      percent: 20     # raise slowly',
    );
    expect(await readdir(dir)).toEqual(['routes.yaml']);
  });

  it('writes nothing on a dry run, and returns the diff', async () => {
    const change = await moveRouteInFile(
      await readRoutesFile(file),
      'catalog.products',
      { stage: 'canary', percent: 1 },
      { dryRun: true },
    );
    expect(change.written).toBe(false);
    expect(change.diff).toMatch(/^--- a\/routes\.yaml\n\+\+\+ b\/routes\.yaml\n@@ /);
    expect(change.diff).toContain('+    canary:\n+      percent: 1\n');
    expect(await readFile(file, 'utf8')).toBe(COMMENTED_ROUTES);
  });

  it('never writes a result that does not validate', async () => {
    const loaded = await readRoutesFile(file);
    const code = await codeOf(() =>
      moveRouteInFile(loaded, 'catalog.product', { stage: 'canary', percent: 150 }),
    );
    expect(code).toBe('PROMOTE_INVALID_RESULT');
    expect(await readFile(file, 'utf8')).toBe(COMMENTED_ROUTES);
  });

  it('uses the validator it is given (the config loader, once wired)', async () => {
    const loaded = await readRoutesFile(file);
    const validate = () => ({ ok: false as const, problems: ['routes.yaml:1:1: rejected by the loader'] });
    const error = await moveRouteInFile(loaded, 'orders.list', { stage: 'shadow' }, { validate }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(PromoteError);
    expect((error as PromoteError).details).toEqual(['routes.yaml:1:1: rejected by the loader']);
  });

  it('refuses to overwrite a file that changed since it was read', async () => {
    const loaded = await readRoutesFile(file);
    const edited = `${COMMENTED_ROUTES}# someone else was here\n`;
    await writeFile(file, edited);
    const code = await codeOf(() => moveRouteInFile(loaded, 'orders.list', { stage: 'shadow' }));
    expect(code).toBe('PROMOTE_FILE_CHANGED');
    expect(await readFile(file, 'utf8')).toBe(edited);
    expect(await readdir(dir)).toEqual(['routes.yaml']);
  });
});

describe('readRoutesFile', () => {
  it('reports every problem of an invalid file', async () => {
    await writeFile(file, 'version: 2\nlegacy: nope\n');
    const error = await readRoutesFile(file).catch((caught: unknown) => caught);
    expect((error as PromoteError).code).toBe('PROMOTE_INVALID_CONFIG');
    expect((error as PromoteError).details.length).toBeGreaterThanOrEqual(2);
  });
});

describe('writeFileAtomically', () => {
  it('keeps the permission bits', async () => {
    await chmod(file, 0o600);
    await writeFileAtomically(file, 'x: 1\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toBe('x: 1\n');
  });

  it('writes through a symbolic link and keeps the link', async () => {
    await mkdir(join(dir, 'real'));
    const real = join(dir, 'real', 'routes.yaml');
    await writeFile(real, 'old\n');
    const link = join(dir, 'link.yaml');
    await symlink(real, link);
    await writeFileAtomically(link, 'new\n');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(real, 'utf8')).toBe('new\n');
  });

  it('creates a file that does not exist yet', async () => {
    await writeFileAtomically(join(dir, 'new.yaml'), 'a: 1\n');
    expect(await readFile(join(dir, 'new.yaml'), 'utf8')).toBe('a: 1\n');
  });
});
