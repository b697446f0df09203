/**
 * The process settings: every `start` option has its variable, `--help` names it, a flag wins over
 * it, and the README's table is exactly the settings table (so the two cannot drift).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { START_SETTINGS } from '../../src/cli/settings.ts';
import { settingsTable } from '../support/settings-table.ts';
import { runStrangler } from '../support/cli-io.ts';

function readmeTable(): string {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const start = readme.search(/^\| Variable +\| Flag +\| Default +\| What +\|$/m);
  expect(start, 'the README has the settings table').toBeGreaterThan(0);
  const end = readme.indexOf('\n\n', start);
  return readme.slice(start, end);
}

/** Table cells without the padding a formatter adds. */
function cells(table: string): string[][] {
  return table.split('\n').map((line) =>
    line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim().replace(/^-+$/, '---')),
  );
}

describe('process settings', () => {
  it('are listed in the README, one row per setting, as the code has them', () => {
    expect(cells(readmeTable())).toEqual(cells(settingsTable(START_SETTINGS)));
  });

  it('are named in start --help; a secret’s value never is', async () => {
    const help = await runStrangler(['start', '--help'], {
      cwd: process.cwd(),
      env: { STRANGLER_ADMIN_TOKEN: 'do-not-print-me' },
    });
    for (const setting of START_SETTINGS) expect(help.stdout).toContain(setting.env);
    expect(help.stdout).not.toContain('do-not-print-me');
  });

  it('refuses a variable outside its choices, naming it', async () => {
    const result = await runStrangler(['start', '--store', 'none'], {
      cwd: process.cwd(),
      env: { STRANGLER_LOG_FORMAT: 'xml' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('STRANGLER_LOG_FORMAT must be one of json, pretty, got "xml"');
  });

  it('refuses a port variable that is not a port, naming it', async () => {
    const result = await runStrangler(['start', '--store', 'none'], {
      cwd: process.cwd(),
      env: { STRANGLER_PORT: 'eighty' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('STRANGLER_PORT');
  });
});
