import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatRoutesJsonSchema, ROUTES_JSON_SCHEMA_PATH } from '../../src/config/json-schema.ts';

describe('schema/routes.schema.json', () => {
  const committed = readFileSync(new URL(`../../${ROUTES_JSON_SCHEMA_PATH}`, import.meta.url), 'utf8');

  it('equals a fresh generation from the zod schema (run scripts/generate-json-schema.ts)', () => {
    expect(committed).toBe(formatRoutesJsonSchema());
  });

  it('describes what users write: strict objects, inputs before defaults, titled', () => {
    interface JsonSchema {
      description: string;
      properties: Record<string, JsonSchema & { items: JsonSchema }>;
      additionalProperties: boolean;
      required: string[];
      enum: string[];
    }
    const schema = JSON.parse(committed) as JsonSchema;
    expect(schema).toMatchObject({
      title: 'strangler routes.yaml',
      type: 'object',
      additionalProperties: false,
      required: ['version', 'legacy'],
    });
    expect(schema.description).toContain('yaml-language-server');
    const route = schema.properties.routes!.items;
    expect(route.additionalProperties).toBe(false);
    expect(route.required).toEqual(['id', 'path', 'service', 'stage']);
    expect(route.properties.stage!.enum).toEqual(['legacy', 'shadow', 'canary', 'migrated']);
    expect(JSON.stringify(schema)).not.toContain('starts_with');
  });
});
