/** A stream that keeps the lines written to it (a logger's destination), and waits for them. */
import { Writable } from 'node:stream';

export function collector(): {
  stream: Writable;
  lines: string[];
  reached(count: number, matches?: (line: string) => boolean): Promise<void>;
} {
  const lines: string[] = [];
  const waiting: Array<() => void> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      for (const check of waiting.slice()) check();
      done();
    },
  });
  /** Resolves once `count` written lines match. */
  const reached = (count: number, matches: (line: string) => boolean = () => true) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (lines.filter(matches).length < count) return;
        waiting.splice(waiting.indexOf(check), 1);
        resolve();
      };
      waiting.push(check);
      check();
    });
  return { stream, lines, reached };
}
