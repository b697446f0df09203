/**
 * Gives a body chunk's memory back as soon as the connection it was piped into has taken it, instead of
 * when the garbage collector gets to it.
 *
 * Node's HTTP parser hands every piece of a body over in a buffer of its own (up to 64 KiB, from malloc).
 * Once written, nothing needs it, but it stays allocated until V8 collects its ArrayBuffer, and V8 starts a
 * collection for such external memory only after much growth: under large uploads, written chunks piled
 * up waiting for it (the bench's memory section). Detaching a chunk's ArrayBuffer frees its memory at once.
 *
 * A chunk is released only when the destination's writable length is back at zero at a later chunk (or at
 * `finish`): everything handed to it before has been written to the socket then, and the socket no longer
 * reads from those bytes. Whatever the order of the `data` listeners, the chunk being emitted is never the
 * one released. A chunk that something else still references (`isHeld`: the shadow capture keeps small
 * bodies by reference) is left to the garbage collector, as is everything once the destination has closed
 * (early, or after its last write).
 */
import type { Readable } from 'node:stream';

/** What the chunks are piped into: an upstream request, or the client's response. */
export interface ChunkSink {
  readonly writableLength: number;
  once(event: 'finish' | 'close', listener: () => void): unknown;
}

export function releaseWrittenChunks(source: Readable, sink: ChunkSink, isHeld: () => boolean): void {
  const written: ArrayBuffer[] = [];
  const releaseWritten = () => {
    if (!isHeld()) for (const memory of written) detach(memory);
    written.length = 0;
  };
  const onChunk = (chunk: Buffer) => {
    if (written.length > 0 && sink.writableLength === 0) releaseWritten();
    const memory = ownMemory(chunk);
    if (memory !== null) written.push(memory);
  };
  source.on('data', onChunk);
  sink.once('finish', releaseWritten);
  sink.once('close', () => {
    source.off('data', onChunk);
    written.length = 0;
  });
}

/** The ArrayBuffer a chunk is the whole of; null for a view into a pool or into shared memory. */
function ownMemory(chunk: Buffer): ArrayBuffer | null {
  const memory = chunk.buffer;
  return memory instanceof ArrayBuffer && chunk.byteOffset === 0 && chunk.byteLength === memory.byteLength
    ? memory
    : null;
}

/** Frees the memory now; one that cannot be detached is left to the garbage collector, as before. */
function detach(memory: ArrayBuffer): void {
  try {
    memory.transfer(0);
  } catch {
    // Not detachable (a future Node could mark its buffers so): nothing is lost but the early free.
  }
}
