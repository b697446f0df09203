/**
 * Parses routes.yaml into a YAML document with source positions, refusing what a config file must not do:
 * syntax errors, several documents, a root that is not a mapping, keys repeated or not strings, nesting
 * deeper than a config needs, and merge keys that do not merge mappings.
 *
 * Duplicate keys are found here with a Set rather than by the parser's `uniqueKeys`, which compares each
 * key with all previous ones: quadratic in the number of keys, so a large mapping would stall the load.
 */
import { isAlias, isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { ProblemCollector } from './problem-collector.ts';
import { isMergePair, keyOf, resolve, startOf, walkNodes } from './yaml-tree.ts';

export interface YamlLimits {
  /** Deepest nesting accepted (the root mapping is depth 0). */
  readonly maxDepth: number;
}

/** The parsed document, or `undefined` when it is too broken to read values from (problems reported). */
export function parseYaml(
  text: string,
  problems: ProblemCollector,
  limits: YamlLimits,
): Document | undefined {
  let doc: Document;
  try {
    doc = parseDocument(text, {
      lineCounter: new LineCounter(),
      prettyErrors: false,
      uniqueKeys: false,
      merge: true,
      strict: true,
      keepSourceTokens: false,
    });
  } catch (error) {
    // The parser reports through doc.errors; a throw is a resource limit (e.g. the stack) in the parser.
    problems.add('CONFIG_YAML_SYNTAX', `the YAML parser gave up: ${String(error)}`, { offset: 0 });
    return undefined;
  }
  for (const error of doc.errors) {
    problems.add('CONFIG_YAML_SYNTAX', `${error.message} (${error.code})`, { offset: error.pos[0] });
  }
  for (const warning of doc.warnings) {
    problems.add('CONFIG_YAML_WARNING', `${warning.message} (${warning.code})`, { offset: warning.pos[0] });
  }
  if (doc.errors.length > 0) return undefined;
  if (!isMap(doc.contents)) {
    const what = doc.contents === null ? 'the file is empty' : 'the top level must be a mapping (key: value)';
    problems.add('CONFIG_ROOT_NOT_MAPPING', what, { offset: startOf(doc.contents) ?? 0 });
    return undefined;
  }
  return checkStructure(doc, problems, limits) ? doc : undefined;
}

/** Depth, keys and merge values; true when the document can be read. */
function checkStructure(doc: Document, problems: ProblemCollector, limits: YamlLimits): boolean {
  const before = problems.errorCount;
  walkNodes(doc.contents, ({ node, path, depth }) => {
    if (depth > limits.maxDepth) {
      problems.add('CONFIG_TOO_DEEP', `nested deeper than ${limits.maxDepth} levels`, {
        offset: startOf(node) ?? 0,
        path,
      });
      return false;
    }
    if (!isMap(node)) return true;
    const keys = new Set<string>();
    for (const pair of node.items) {
      const offset = startOf(pair.key) ?? startOf(node) ?? 0;
      if (isMergePair(pair)) {
        if (!mergesMappings(doc, pair.value)) {
          problems.add(
            'CONFIG_YAML_SYNTAX',
            '"<<" must merge a mapping, an alias of one, or a list of those',
            {
              offset,
              path,
            },
          );
        }
        continue;
      }
      if (isMap(pair.key) || isSeq(pair.key) || isAlias(pair.key)) {
        problems.add('CONFIG_COMPLEX_KEY', 'keys must be plain strings, not mappings, lists or aliases', {
          offset,
          path,
        });
        continue;
      }
      const key = keyOf(pair);
      if (keys.has(key)) {
        problems.add('CONFIG_DUPLICATE_KEY', `key "${key}" appears twice in this mapping`, {
          offset,
          path: [...path, key],
        });
      }
      keys.add(key);
    }
    return true;
  });
  return problems.errorCount === before;
}

function mergesMappings(doc: Document, value: unknown): boolean {
  const resolved = resolve(doc, value);
  if (isMap(resolved)) return true;
  if (!isSeq(resolved) || isAlias(value)) return false;
  return resolved.items.every((item) => isAlias(item) && isMap(resolve(doc, item)));
}
