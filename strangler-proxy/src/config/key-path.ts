/** Key paths into the document: `['routes', 2, 'canary', 'percent']` ⇄ `routes[2].canary.percent`. */

export type KeyPath = readonly (string | number)[];

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/**
 * Formats a key path for people: identifiers joined by dots, indices in brackets, other keys quoted.
 *
 * @example formatKeyPath(['routes', 2, 'compare', 'arrays', '$.items']) // → 'routes[2].compare.arrays["$.items"]'
 */
export function formatKeyPath(path: KeyPath): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (IDENTIFIER.test(key) && !key.startsWith('$')) text += text === '' ? key : `.${key}`;
    else text += `[${JSON.stringify(key)}]`;
  }
  return text;
}

/** The last key with the indices after it (`ignore[0]`): names the value in a message without its route. */
export function leafLabel(path: KeyPath): string {
  let start = path.length;
  while (start > 0 && typeof path[start - 1] === 'number') start--;
  return formatKeyPath(path.slice(Math.max(0, start - 1)));
}
