/**
 * Metrics counted on the hot path without prom-client's per-call work (validating and hashing a labels
 * object on every increment or observation): each label combination gets a slot once, found through
 * nested maps keyed by the label values themselves (the same interned strings every request), and
 * prom-client reads the slots only when /metrics is scraped.
 */
import { Counter, Histogram, type Registry } from 'prom-client';

type Labels = Record<string, string>;

/** Finds or creates the slot of a label-value tuple without allocating on a hit (no key string, no array). */
class SlotTree<Slot> {
  private readonly root = new Map<string, unknown>();
  readonly slots: Slot[] = [];

  private readonly create: (values: readonly (string | number)[]) => Slot;

  constructor(create: (values: readonly (string | number)[]) => Slot) {
    this.create = create;
  }

  clear(): void {
    this.root.clear();
    this.slots.length = 0;
  }

  get(a: string, b: string, c?: string, d?: number): Slot {
    const first = branch(this.root, a);
    if (c === undefined) return this.leaf(first, b, a, b, c, d);
    const second = branch(first, b);
    if (d === undefined) return this.leaf(second, c, a, b, c, d);
    return this.leaf(branch(second, c), d, a, b, c, d);
  }

  private leaf(
    level: Map<unknown, unknown>,
    key: unknown,
    a: string,
    b: string,
    c?: string,
    d?: number,
  ): Slot {
    let slot = level.get(key) as Slot | undefined;
    if (slot === undefined) {
      slot = this.create(c === undefined ? [a, b] : d === undefined ? [a, b, c] : [a, b, c, d]);
      level.set(key, slot);
      this.slots.push(slot);
    }
    return slot;
  }
}

function branch(level: Map<unknown, unknown>, key: unknown): Map<unknown, unknown> {
  let next = level.get(key) as Map<unknown, unknown> | undefined;
  if (next === undefined) {
    next = new Map();
    level.set(key, next);
  }
  return next;
}

function labelsOf(names: readonly string[], values: readonly (string | number)[]): Labels {
  const labels: Labels = {};
  names.forEach((name, index) => (labels[name] = String(values[index])));
  return labels;
}

export interface FastCounter {
  /** Adds one for the label values, given in the order of `labelNames` (two to four of them). */
  inc(a: string, b: string, c?: string, d?: number): void;
}

/** A prom-client counter whose increments are summed in slots and handed over at scrape time. */
export function createFastCounter(options: {
  name: string;
  help: string;
  labelNames: readonly string[];
  registry: Registry;
}): FastCounter {
  interface Slot {
    readonly labels: Labels;
    pending: number;
  }
  const tree = new SlotTree<Slot>((values) => ({ labels: labelsOf(options.labelNames, values), pending: 0 }));
  new Counter({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames,
    registers: [options.registry],
    collect() {
      for (const slot of tree.slots) {
        if (slot.pending === 0) continue;
        this.inc(slot.labels, slot.pending);
        slot.pending = 0;
      }
    },
  });
  return {
    inc(a, b, c, d) {
      tree.get(a, b, c, d).pending += 1;
    },
  };
}

export interface FastHistogram {
  observe(a: string, b: string, value: number): void;
}

interface HistogramSlot {
  readonly labels: Labels;
  /** Observations per bucket (not cumulative); the last entry is +Inf. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

export function createFastHistogram(options: {
  name: string;
  help: string;
  labelNames: readonly [string, string];
  buckets: readonly number[];
  registry: Registry;
}): FastHistogram {
  const bounds = options.buckets;
  const tree = new SlotTree<HistogramSlot>((values) => ({
    labels: labelsOf(options.labelNames, values),
    counts: new Float64Array(bounds.length + 1),
    sum: 0,
    count: 0,
  }));
  // A prom-client Histogram for the registry (name, help, type), whose values are read from the slots.
  const histogram = new Histogram({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames,
    buckets: [...bounds],
    registers: [options.registry],
  });
  type Exported = Awaited<ReturnType<Histogram['get']>>;
  const exported = (): Promise<Exported> => {
    const bucket = `${options.name}_bucket`;
    const values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> = [];
    for (const slot of tree.slots) {
      let cumulative = 0;
      bounds.forEach((bound, index) => {
        cumulative += slot.counts[index] ?? 0;
        values.push({ labels: { le: bound, ...slot.labels }, value: cumulative, metricName: bucket });
      });
      values.push(
        { labels: { le: '+Inf', ...slot.labels }, value: slot.count, metricName: bucket },
        { labels: slot.labels, value: slot.sum, metricName: `${options.name}_sum` },
        { labels: slot.labels, value: slot.count, metricName: `${options.name}_count` },
      );
    }
    const metric = { name: options.name, help: options.help, type: 'histogram', aggregator: 'sum', values };
    return Promise.resolve(metric as unknown as Exported);
  };
  // The registry renders the text format from getForPromString when a metric has one, else from get.
  Object.assign(histogram, {
    get: exported,
    getForPromString: exported,
    reset: () => tree.clear(),
  });
  return {
    observe(a, b, value) {
      const slot = tree.get(a, b);
      let index = 0;
      while (index < bounds.length && value > (bounds[index] as number)) index++;
      slot.counts[index] = (slot.counts[index] ?? 0) + 1;
      slot.sum += value;
      slot.count += 1;
    },
  };
}
