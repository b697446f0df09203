/**
 * Keeps a bounded copy of a stream's chunks as they pass by. It holds references to the chunks the stream
 * already allocated (no copying until the end) and stops keeping them past its limit; or, for a large body
 * of known length, copies each chunk at once into one buffer of that length, which belongs to this body
 * alone: the chunks can then be freed as soon as they are written on, and the buffer can be moved to the
 * shadow worker. It is never shared or reused, so no other request's bytes can ever be read from it,
 * however long a connection takes to send it.
 */
import type { ByteBudget } from './byte-budget.ts';

const UNLIMITED: ByteBudget = { take: () => true, give: () => undefined, used: 0 };

export interface BodyCapture {
  push(chunk: Buffer): void;
  /** Bytes seen, kept or not. */
  readonly bytes: number;
  readonly overLimit: boolean;
  /** The shared budget ran out: what was kept is incomplete whatever the limit. */
  readonly overBudget: boolean;
  /** The kept bytes (the first `limit` bytes when over the limit). */
  body(): Buffer;
  /** Chunks kept: with more than one, `body()` is a new buffer that nothing else references. */
  readonly chunks: number;
  /** The kept bytes are the whole of a buffer nothing else references (it can be moved to another thread). */
  readonly ownsMemory: boolean;
  /**
   * The kept bytes as one buffer, letting go of the chunks (they can be collected while the buffer is
   * still in use elsewhere). The bytes stay counted in the budget until `release()`.
   */
  takeBody(): Buffer;
  /** Gives the kept bytes back to the budget (once the copy is no longer needed). */
  release(): void;
}

/**
 * `copyDeclared`: the body's declared length, to copy it into a buffer of its own as it arrives (null to
 * keep the chunks by reference).
 */
export function createBodyCapture(
  limit: number,
  budget: ByteBudget = UNLIMITED,
  copyDeclared: number | null = null,
): BodyCapture {
  return new Capture(limit, budget, copyDeclared);
}

/**
 * A class rather than an object of closures: two captures are made for every mirrored request, and a
 * mirror waiting for its answer keeps them through a scavenge or two, into the old generation.
 */
class Capture implements BodyCapture {
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;
  private seen = 0;
  private outOfBudget = false;
  /** Allocated with the first chunk when the length is declared. */
  private copy: Buffer | null = null;
  /** `copy` while the kept bytes are in it; null once more arrive than declared (then they are in `kept`). */
  private filling: Buffer | null = null;

  private readonly limit: number;
  private readonly budget: ByteBudget;
  private readonly copyDeclared: number | null;

  constructor(limit: number, budget: ByteBudget, copyDeclared: number | null) {
    this.limit = limit;
    this.budget = budget;
    this.copyDeclared = copyDeclared;
  }

  push(chunk: Buffer): void {
    this.seen += chunk.length;
    if (this.keptBytes >= this.limit || this.outOfBudget) return;
    const room = this.limit - this.keptBytes;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    if (!this.budget.take(part.length)) {
      this.outOfBudget = true;
      return;
    }
    this.keep(part);
  }

  private keep(part: Buffer): void {
    const declared = this.copyDeclared;
    if (this.copy === null && this.keptBytes === 0 && declared !== null && declared <= this.limit) {
      // Not from Node's allocation pool: a buffer of its own, which can be moved to another thread.
      this.copy = Buffer.allocUnsafeSlow(declared);
      this.filling = this.copy;
    }
    if (this.filling !== null && this.keptBytes + part.length <= this.filling.length) {
      part.copy(this.filling, this.keptBytes);
    } else {
      // More bytes than declared: references from here on.
      if (this.filling !== null) this.kept.push(this.filling.subarray(0, this.keptBytes));
      this.filling = null;
      this.kept.push(part);
    }
    this.keptBytes += part.length;
  }

  get overBudget(): boolean {
    return this.outOfBudget;
  }

  release(): void {
    this.budget.give(this.keptBytes);
    this.keptBytes = 0;
    this.kept.length = 0;
    this.copy = null;
    this.filling = null;
  }

  get bytes(): number {
    return this.seen;
  }

  get chunks(): number {
    return this.kept.length;
  }

  get ownsMemory(): boolean {
    if (this.filling !== null) return this.keptBytes === this.filling.length;
    // Several chunks are joined into a new buffer by `body()`.
    return this.kept.length > 1;
  }

  get overLimit(): boolean {
    return this.seen > this.limit;
  }

  body(): Buffer {
    if (this.filling !== null) return this.filling.subarray(0, this.keptBytes);
    return this.kept.length === 1 ? (this.kept[0] as Buffer) : Buffer.concat(this.kept, this.keptBytes);
  }

  takeBody(): Buffer {
    const body = this.body();
    if (this.filling !== null) return body;
    this.kept.length = 0;
    this.kept.push(body);
    return body;
  }
}
