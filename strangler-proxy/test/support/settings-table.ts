/** The README's table of process settings, rendered from the code's. */
import type { Setting } from '../../src/cli/settings.ts';

/** The README's table, rendered from the settings. */
export function settingsTable(settings: readonly Setting[]): string {
  const rows = settings.map((setting) => {
    const flag = setting.flags.replace(/^-\w, /, '');
    const fallback = setting.default === undefined ? '' : `\`${setting.default}\``;
    const what = `${setting.description}${setting.kind === 'list' ? ' (comma-separated; flags add to it)' : ''}`;
    return `| \`${setting.env}\` | \`${flag}\` | ${fallback} | ${what} |`;
  });
  return ['| Variable | Flag | Default | What |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
