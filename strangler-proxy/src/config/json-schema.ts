/**
 * The JSON Schema editors use to complete and check routes.yaml, generated from the zod schema (the one
 * source of truth) and committed as schema/routes.schema.json. A test keeps the file in sync; regenerate
 * with `node strangler-proxy/scripts/generate-json-schema.ts`.
 */
import { z } from 'zod';
import { routesFileSchema } from './schema.ts';

/** Where the committed file lives, relative to the strangler-proxy package. */
export const ROUTES_JSON_SCHEMA_PATH = 'schema/routes.schema.json';

/** The JSON Schema of what a user writes (`io: 'input'`: before defaults and transforms). */
export function createRoutesJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(routesFileSchema, {
    io: 'input',
    target: 'draft-7', // what yaml-language-server and most editors support best
    override: (context) => {
      // zod names its startsWith check as a format; editors only know standard formats (the pattern stays).
      if (context.jsonSchema.format === 'starts_with') delete context.jsonSchema.format;
    },
  }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'strangler routes.yaml',
    description:
      'Routes of the strangler proxy: which paths an extracted service takes over from the legacy monolith, and ' +
      'at which stage (legacy, shadow, canary, migrated). Add "# yaml-language-server: $schema=<path to this file>" ' +
      'at the top of routes.yaml for completion and checks in editors.',
    ...rest,
  };
}

/** The file's exact text: stable key order, two-space indent, final newline. */
export function formatRoutesJsonSchema(): string {
  return JSON.stringify(createRoutesJsonSchema(), null, 2) + '\n';
}
