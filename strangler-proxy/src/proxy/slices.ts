/**
 * Work on the serving thread that grows with the number of routes (freezing a reloaded config, compiling
 * its table) is done a slice at a time, letting requests through between slices.
 */

/** Routes handled between two turns of the event loop. */
export const ROUTES_PER_SLICE = 250;

/** Resolves after the event loop has served what was waiting (I/O included). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
