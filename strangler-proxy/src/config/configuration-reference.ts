/**
 * The configuration reference (docs/configuration.md), generated from the JSON Schema, which is itself
 * generated from the zod schema: every key of routes.yaml with its type, default and description, so the
 * reference cannot drift from what the loader accepts. A test keeps the committed file current;
 * `npm run schema` regenerates it. Pure (text only).
 */
import { createRoutesJsonSchema } from './json-schema.ts';

/** Where the committed file lives, relative to the strangler-proxy package. */
export const CONFIGURATION_REFERENCE_PATH = 'docs/configuration.md';

interface JsonSchema {
  readonly type?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly JsonSchema[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: JsonSchema | boolean;
  readonly propertyNames?: JsonSchema;
  readonly items?: JsonSchema;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
}

interface Row {
  readonly key: string;
  readonly type: string;
  readonly required: boolean;
  readonly fallback: string;
  readonly what: string;
}

const DURATION_PATTERN = String.raw`^\d+(\.\d+)?(ms|s|m|h)$`;

/** Placeholders for the keys a user names (a service, a header, a JSONPath). */
const NAMED_KEYS: Readonly<Record<string, string>> = {
  services: '<service>',
};

export function formatConfigurationReference(): string {
  const schema = createRoutesJsonSchema() as JsonSchema;
  const sections = Object.entries(schema.properties ?? {}).map(([key, child]) => {
    const rows: Row[] = [];
    collect(child, key, (schema.required ?? []).includes(key), rows);
    return [
      `## \`${key}\``,
      '',
      ...(child.description === undefined ? [] : [child.description, '']),
      '| Key | Type | Default | What |',
      '| --- | --- | --- | --- |',
      ...rows.map(
        (row) =>
          `| \`${row.key}\`${row.required ? ' (required)' : ''} | ${cell(row.type)} | ${cell(row.fallback)} | ${cell(row.what)} |`,
      ),
      '',
    ].join('\n');
  });
  return [
    '# routes.yaml reference',
    '',
    '<!-- Generated from the schema by `npm run schema` (strangler-proxy/src/config/configuration-reference.ts): do not edit. -->',
    '',
    'Every key routes.yaml accepts, with its type and default. Durations are milliseconds or a text such as',
    '`500ms`, `5s`, `1m`; string values may use `${VAR}` and `${VAR:-default}`. `<service>` stands for a',
    'name you choose; `[]` for each item of a list. An unknown key is an error (`CONFIG_UNKNOWN_KEY`), with',
    'a suggestion. Editors complete and check the file with `strangler-proxy/schema/routes.schema.json`.',
    '',
    ...sections,
  ].join('\n');
}

function collect(node: JsonSchema, key: string, required: boolean, rows: Row[]): void {
  const objects = branches(node).filter((branch) => branch.properties !== undefined);
  const maps = branches(node).filter(
    (branch) => typeof branch.additionalProperties === 'object' && branch.properties === undefined,
  );
  const lists = branches(node).filter((branch) => branch.type === 'array' && branch.items?.properties);
  rows.push({
    key,
    type: typeOf(node),
    required,
    fallback: node.default === undefined ? '' : `\`${JSON.stringify(node.default)}\``,
    what: node.description ?? '',
  });
  for (const object of objects) {
    for (const [name, child] of Object.entries(object.properties ?? {})) {
      collect(child, `${key}.${name}`, (object.required ?? []).includes(name), rows);
    }
  }
  for (const map of maps) {
    const value = map.additionalProperties as JsonSchema;
    if (branches(value).some((branch) => branch.properties || branch.items?.properties))
      collect(value, `${key}.${NAMED_KEYS[key] ?? '<name>'}`, false, rows);
  }
  for (const list of lists) collect(list.items!, `${key}[]`, false, rows);
}

function branches(node: JsonSchema): readonly JsonSchema[] {
  return node.anyOf ?? [node];
}

function typeOf(node: JsonSchema): string {
  if (node.anyOf) {
    if (isDuration(node)) return 'duration';
    return [...new Set(node.anyOf.map(typeOf))].join(' or ');
  }
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  if (node.enum) return node.enum.map((value) => `\`${String(value)}\``).join(', ');
  if (node.type === 'array') return `list of ${node.items ? typeOf(node.items) : 'values'}`;
  if (node.type === 'object') return node.properties ? 'object' : 'map';
  // zod's `int()` bounds every integer by the largest safe one: no bound a user needs to read.
  const maximum = node.maximum === Number.MAX_SAFE_INTEGER ? undefined : node.maximum;
  const range =
    node.minimum !== undefined && maximum !== undefined
      ? ` ${node.minimum}–${maximum}`
      : node.minimum !== undefined
        ? ` ≥ ${node.minimum}`
        : '';
  return `${node.type ?? 'any'}${range}`;
}

function isDuration(node: JsonSchema): boolean {
  return (node.anyOf ?? []).some((branch) => branch.pattern === DURATION_PATTERN);
}

/** Text safe inside a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
