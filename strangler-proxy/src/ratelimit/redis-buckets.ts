/**
 * Token buckets shared by a fleet in Redis: one hash per bucket, taken from by an atomic Lua script that
 * reads Redis's own clock (so proxies whose clocks differ agree) and lets an idle bucket expire once full.
 * The client never queues a command while disconnected and a command has a deadline: the caller falls
 * back to its local bucket rather than wait.
 */
import { Redis } from 'ioredis';
import type { BucketDecision } from './token-bucket.ts';

const TAKE_TOKEN = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(saved[1])
local at = tonumber(saved[2])
if tokens == nil or at == nil then tokens = burst; at = now end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 1000)
return { allowed, retry }
`;

export interface RedisBuckets {
  /** Whether the connection is up: when it is not, callers decide locally without asking. */
  readonly ready: boolean;
  /** Settles once connected (or at once when already). */
  whenReady(): Promise<void>;
  take(key: string, ratePerMs: number, burst: number, timeoutMs: number): Promise<BucketDecision>;
  onAvailability(listener: (up: boolean, reason: string) => void): void;
  close(): Promise<void>;
}

type WithTakeToken = Redis & {
  takeToken(key: string, rate: string, burst: string): Promise<[number, number]>;
};

export function createRedisBuckets(url: string): RedisBuckets {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Reconnects for good, at most a second apart: a Redis that comes back is used again.
    retryStrategy: (times) => Math.min(times * 100, 1_000),
    lazyConnect: false,
  }) as WithTakeToken;
  client.defineCommand('takeToken', { numberOfKeys: 1, lua: TAKE_TOKEN });
  const listeners: Array<(up: boolean, reason: string) => void> = [];
  let waiting: Promise<void> | null = null;
  let up = false;
  const announce = (next: boolean, reason: string) => {
    if (next === up) return;
    up = next;
    for (const listener of listeners) listener(next, reason);
  };
  client.on('ready', () => announce(true, 'connected'));
  client.on('close', () => announce(false, 'connection closed'));
  // Without a listener, a connection error would be an unhandled 'error' event.
  client.on('error', (error: NodeJS.ErrnoException) => announce(false, error.code ?? error.message));

  return {
    get ready() {
      return client.status === 'ready';
    },
    whenReady() {
      if (client.status === 'ready') return Promise.resolve();
      // One listener however many reloads wait for a Redis that is away.
      waiting ??= new Promise<void>((resolve) =>
        client.once('ready', () => {
          waiting = null;
          resolve();
        }),
      );
      return waiting;
    },
    take(key, ratePerMs, burst, timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from Redis within ${timeoutMs} ms`)), timeoutMs);
      });
      return Promise.race([client.takeToken(key, String(ratePerMs), String(burst)), deadline])
        .then(([allowed, retry]) => ({ allowed: allowed === 1, retryAfterMs: Number(retry) }))
        .finally(() => clearTimeout(timer));
    },
    onAvailability(listener) {
      listeners.push(listener);
    },
    async close() {
      client.disconnect();
      await Promise.resolve();
    },
  };
}
