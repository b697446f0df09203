import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { createLogger } from '../../src/logging/logger.ts';
import { createAccessLog, createIsoClock, type AccessEntry } from '../../src/logging/access-log.ts';
import fc from 'fast-check';
import { startTestUpstream } from '../support/test-upstream.ts';
import { startHarness } from '../support/proxy-harness.ts';
import { collector } from '../support/log-collector.ts';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ENTRY: AccessEntry = {
  requestId: 'req-1',
  method: 'GET',
  path: '/api/products/42?q="quoted"\\back\u0001',
  route: 'products',
  upstream: 'legacy',
  status: 200,
  durationMs: 1.25,
};

describe('access log', () => {
  it('writes the line pino would write, field for field and in the same order', () => {
    const fast = collector();
    const plain = collector();
    createAccessLog(createLogger({ destination: fast.stream }))(ENTRY);
    createLogger({ destination: plain.stream }).info(ENTRY, 'request');
    expect(fast.lines).toHaveLength(1);
    const written = JSON.parse(fast.lines[0] ?? '') as Record<string, unknown>;
    const expected = JSON.parse(plain.lines[0] ?? '') as Record<string, unknown>;
    expect(Object.keys(written)).toEqual(Object.keys(expected));
    expect({ ...written, time: 0 }).toEqual({ ...expected, time: 0 });
    expect(new Date(written.time as string).toISOString()).toBe(written.time);
  });

  it('stamps the time toISOString would, millisecond for millisecond', () => {
    const clock = createIsoClock();
    const instants = [0, 1, 999, 1000, 1001, 1_764_633_599_999, 1_764_633_600_000, Date.now()];
    for (const ms of instants) expect(clock(ms)).toBe(new Date(ms).toISOString());
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 253_402_300_799_999 }), { minLength: 1 }), (times) => {
        for (const ms of times) expect(clock(ms)).toBe(new Date(ms).toISOString());
      }),
    );
    // Neighbouring instants, in and out of order, through the same clock.
    for (const ms of [5_000_998, 5_000_999, 5_001_000, 5_000_999, 5_001_001, 5_001_001])
      expect(clock(ms)).toBe(new Date(ms).toISOString());
  });

  it('follows the logger level', () => {
    const fast = collector();
    const logger = createLogger({ destination: fast.stream, level: 'warn' });
    const log = createAccessLog(logger);
    log(ENTRY);
    logger.level = 'info';
    log(ENTRY);
    expect(fast.lines).toHaveLength(1);
  });

  it('goes through logger.info for a logger it does not know', () => {
    const other = collector();
    const logger = pino({ base: { service: 'edge' } }, other.stream);
    createAccessLog(logger)(ENTRY);
    expect(JSON.parse(other.lines[0] ?? '')).toMatchObject({ service: 'edge', msg: 'request', status: 200 });
  });
});

describe('access log through the proxy', () => {
  it('masks credential-like query values and the route’s named ones, keeping the rest of the target', async () => {
    const SECRET = 'S3CRET-51c0';
    const log = collector();
    const upstream = await startTestUpstream('legacy');
    const harness = await startHarness(
      `
version: 1
legacy: ${upstream.url}
services:
  catalog: ${upstream.url}
routes:
  - id: products
    path: /api/products
    service: catalog
    stage: migrated
    compare: { redactQuery: [Voucher] }
`,
      { logger: createLogger({ destination: log.stream }) },
    );
    try {
      for (const target of [
        `/api/products/1?access_token=${SECRET}&voucher=${SECRET}&page=2`,
        `/elsewhere?password=${SECRET}&voucher=kept&q=a%20b`,
        '/api/products/2?page=3',
      ])
        await (await fetch(`${harness.proxy.url}${target}`)).arrayBuffer();
      const isRequest = (line: string) => (JSON.parse(line) as { msg?: unknown }).msg === 'request';
      await log.reached(3, isRequest);
      const lines = log.lines.filter(isRequest).map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.map((line) => line.path)).toEqual([
        '/api/products/1?access_token=[redacted]&voucher=[redacted]&page=2',
        // Not the route's: only the credential-like name is masked.
        '/elsewhere?password=[redacted]&voucher=kept&q=a%20b',
        '/api/products/2?page=3',
      ]);
      expect(JSON.stringify(lines)).not.toContain(SECRET);
    } finally {
      await harness.close();
      await upstream.close();
    }
  });
});

describe('log destination', () => {
  it('gathers lines, yet writes a lone line within the flush interval', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'strangler-log-'));
    try {
      const file = path.join(dir, 'proxy.log');
      const logger = createLogger({ file });
      logger.info({ route: 'products' }, 'routes reloaded');
      await vi.waitFor(
        async () => {
          const text = await readFile(file, 'utf8').catch(() => '');
          expect(text).toContain('"msg":"routes reloaded"');
        },
        { timeout: 2_000, interval: 10 },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps the order of access-log lines and pino’s own lines', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'strangler-log-'));
    try {
      const file = path.join(dir, 'proxy.log');
      const logger = createLogger({ file });
      const log = createAccessLog(logger);
      for (let i = 0; i < 120; i++) {
        if (i % 7 === 0) logger.warn({ i }, 'between');
        log({ ...ENTRY, status: 200 + (i % 100), requestId: `req-${i}` });
      }
      const expected = Array.from({ length: 120 }, (_, i) => `req-${i}`);
      await vi.waitFor(
        async () => {
          const text = await readFile(file, 'utf8').catch(() => '');
          expect(text.split('\n').filter(Boolean)).toHaveLength(120 + 18);
        },
        { timeout: 2_000, interval: 10 },
      );
      const lines = (await readFile(file, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { msg: string; i?: number; requestId?: string });
      expect(lines.filter((line) => line.msg === 'request').map((line) => line.requestId)).toEqual(expected);
      // Each warning sits just before the access line it was logged before.
      lines.forEach((line, index) => {
        if (line.msg === 'between') expect(lines[index + 1]?.requestId).toBe(`req-${line.i}`);
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writes every gathered line when the process exits, at once or when its work runs out', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'strangler-log-'));
    const modules = (name: string) => fileURLToPath(new URL(`../../src/logging/${name}`, import.meta.url));
    try {
      for (const ending of ['process.exit(0)', 'undefined']) {
        const file = path.join(dir, `exit-${ending.length}.log`);
        const script = `
          import { createLogger } from ${JSON.stringify(modules('logger.ts'))};
          import { createAccessLog } from ${JSON.stringify(modules('access-log.ts'))};
          const logger = createLogger({ file: ${JSON.stringify(file)} });
          const log = createAccessLog(logger);
          for (let i = 0; i < 30; i++) log(${JSON.stringify(ENTRY)});
          logger.warn('last words');
          ${ending};
        `;
        const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
          encoding: 'utf8',
        });
        expect(child.stderr).toBe('');
        expect(child.status).toBe(0);
        const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
        expect(lines, ending).toHaveLength(31);
        // Every line, whole; not necessarily in order: a 4 KiB batch sonic-boom is still writing
        // asynchronously at exit may land after the lines its synchronous flush writes.
        expect(
          lines.filter((line) => line.includes('"msg":"last words"')),
          ending,
        ).toHaveLength(1);
        expect(
          lines.filter((line) => line.includes('"msg":"request"')),
          ending,
        ).toHaveLength(30);
        for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('drops lines a pipe nobody reads cannot take, counts them, and says so once the pipe drains', async () => {
    const modules = (name: string) => fileURLToPath(new URL(`../../src/logging/${name}`, import.meta.url));
    // The child logs long lines into its stdout until it has dropped some (the test reads nothing yet),
    // says so on stderr, then logs short lines for a while as the test reads.
    const script = `
      import { createLogger, droppedLogLines } from ${JSON.stringify(modules('logger.ts'))};
      const logger = createLogger();
      const long = 'x'.repeat(8000);
      for (let i = 0; i < 2000 && droppedLogLines(logger) === 0; i++) {
        logger.info({ i, long }, 'long');
        await new Promise((resolve) => setImmediate(resolve));
      }
      process.stderr.write('dropped ' + droppedLogLines(logger) + '\\n');
      for (let i = 0; i < 40; i++) {
        logger.info({ i }, 'short');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pause();
    const [reported] = (await once(child.stderr, 'data')) as [Buffer];
    expect(reported.toString()).toMatch(/^dropped [1-9]\d*\n$/);
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    child.stdout.resume();
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    const told = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string; level: number; droppedLines?: number })
      .filter((line) => line.msg.startsWith('log lines were dropped'));
    expect(told.length).toBeGreaterThan(0);
    expect(told[0]?.level).toBe(40);
    const droppedBeforeReading = Number(/\d+/.exec(reported.toString())?.[0]);
    expect(told.reduce((sum, line) => sum + (line.droppedLines ?? 0), 0)).toBeGreaterThanOrEqual(
      droppedBeforeReading,
    );
  });
});
