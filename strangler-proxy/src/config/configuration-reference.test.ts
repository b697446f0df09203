import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIGURATION_REFERENCE_PATH, formatConfigurationReference } from './configuration-reference.ts';
import { createRoutesJsonSchema } from './json-schema.ts';

describe('docs/configuration.md', () => {
  const committed = readFileSync(new URL(`../../${CONFIGURATION_REFERENCE_PATH}`, import.meta.url), 'utf8');

  it('equals a fresh generation from the schema (run npm run schema)', () => {
    expect(committed).toBe(formatConfigurationReference());
  });

  it('has a section per top-level key and a row for every key of a route', () => {
    const schema = createRoutesJsonSchema() as {
      properties: Record<string, { items?: { properties: Record<string, unknown> } }>;
    };
    for (const key of Object.keys(schema.properties)) expect(committed).toContain(`\n## \`${key}\`\n`);
    for (const key of Object.keys(schema.properties.routes!.items!.properties))
      expect(committed).toMatch(new RegExp(`^\\| \`routes\\[\\]\\.${key}\``, 'm'));
    expect(committed).toMatch(/^\| `services\.<service>\.url` \| string or list of string \|/m);
    expect(committed).toMatch(
      /^\| `routes\[\]\.stage` \(required\) \| `legacy`, `shadow`, `canary`, `migrated` \|/m,
    );
  });
});
