/**
 * A switch in front of a real app, for failure tests: `pass` hands requests to the app, `drop` cuts the
 * connection (a crashed or unreachable service), `hold` keeps matching requests waiting until released
 * (a slow service), then hands them on, even if their caller has given up meanwhile. Nothing is faked:
 * every answer comes from the app.
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';

export type FaultMode = 'pass' | 'drop' | 'hold';

export interface FaultFront {
  readonly handler: Express;
  setMode(mode: FaultMode, matches?: (req: Request) => boolean): void;
  /** Resolves once `count` requests are being held. */
  held(count: number): Promise<void>;
  /** Hands every held request to the app; resolves with the statuses the app answered them with. */
  releaseHeld(): Promise<number[]>;
}

interface Held {
  readonly res: Response;
  readonly next: NextFunction;
}

export function createFaultFront(app: Express): FaultFront {
  let mode: FaultMode = 'pass';
  let matches: (req: Request) => boolean = () => true;
  let heldRequests: Held[] = [];
  let waiters: Array<{ count: number; resolve: () => void }> = [];
  // The body is read before holding: a caller that gives up closes its connection, and the app must
  // still see the complete request, as a slow server that had already read it would.
  const readBody = express.json({ limit: '1mb' });

  const front = express();
  front.use((req, res, next) => {
    if (mode === 'pass' || !matches(req)) return next();
    if (mode === 'drop') return req.socket.destroy();
    readBody(req, res, (error?: unknown) => {
      if (error) return next(error);
      heldRequests.push({ res, next });
      waiters = waiters.filter((waiter) =>
        heldRequests.length >= waiter.count ? (waiter.resolve(), false) : true,
      );
    });
  });
  front.use(app);

  return {
    handler: front,
    setMode(next, predicate = () => true) {
      mode = next;
      matches = predicate;
    },
    held(count) {
      if (heldRequests.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    releaseHeld() {
      const released = heldRequests;
      heldRequests = [];
      return Promise.all(
        released.map(
          ({ res, next }) =>
            new Promise<number>((resolve) => {
              // res.end runs when the app has answered, even if the caller's socket is already gone.
              const end = res.end.bind(res) as (...args: unknown[]) => Response;
              res.end = ((...args: unknown[]) => {
                resolve(res.statusCode);
                return end(...args);
              }) as Response['end'];
              next();
            }),
        ),
      );
    },
  };
}
