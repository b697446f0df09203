/**
 * Redaction, proven end to end: a secret planted in an authorization header, a cookie, a set-cookie, a
 * configured body field (request and both responses) and query parameters (credential-like names and one
 * the route names) goes through the recorder into a SQLite file; the
 * file's bytes (WAL included) and every report format must not contain it anywhere. A marker in an
 * unredacted field proves the scan finds what is there.
 */
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeSchema } from '../../src/config/schema.ts';
import { buildReport } from '../../src/report/build-report.ts';
import { REPORT_FORMATS, rendererFor } from '../../src/report/renderers.ts';
import { createBatchingRecorder } from '../../src/store/batching-recorder.ts';
import { createKnexStore } from '../../src/store/knex-store.ts';
import { comparison, response, verdict } from './fixtures.ts';

const SECRET = 'S3CRET-7f3a9c51';
const MARKER = 'VISIBLE-MARKER-0d4e';
const routes = [
  routeSchema.parse({
    id: 'payments',
    path: '/payments',
    service: 'payments',
    stage: 'shadow',
    compare: { redact: ['$.card.number', '$..password'], redactQuery: ['Voucher'] },
  }),
];

let dir: string;
let files: Buffer[];
let outputs: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'strangler-redaction-'));
  const store = await createKnexStore({ url: 'sqlite:results.db', cwd: dir });
  const recorder = createBatchingRecorder(store, { routes });
  const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  recorder.recordComparison(
    comparison({
      routeId: 'payments',
      at: Date.now(),
      request: {
        method: 'POST',
        url: `/payments?access_token=${SECRET}&X-Amz-Signature=${SECRET}&voucher=${SECRET}&note=${MARKER}`,
        headers: {
          Authorization: `Bearer ${SECRET}`,
          Cookie: `session=${SECRET}; theme=dark`,
          'Proxy-Authorization': `Basic ${SECRET}`,
          'x-request-note': MARKER,
        },
        body: encode({ card: { number: SECRET, holder: MARKER }, user: { password: SECRET } }),
        requestId: 'req-1',
      },
      legacy: response(
        201,
        { card: { number: SECRET }, id: 1 },
        { headers: { 'set-cookie': [`sid=${SECRET}`, 'x=1'] } },
      ),
      service: response(201, { card: { number: SECRET }, id: '1', nested: { deep: { password: SECRET } } }),
      verdict: verdict('mismatch', [
        { path: '$.id', kind: 'type', legacy: 1, service: '1' },
        { path: '$.card.number', kind: 'value', legacy: SECRET, service: SECRET },
      ]),
    }),
  );
  await recorder.close();
  const report = await buildReport(store, { routes, since: 0 });
  await store.close();

  const names = await readdir(dir);
  files = await Promise.all(names.map((name) => readFile(path.join(dir, name))));
  outputs = Object.fromEntries(
    REPORT_FORMATS.map((format) => [format, rendererFor(format)(report, { color: false })]),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('redaction of stored samples', () => {
  it('leaves the secret nowhere in the SQLite files, byte for byte', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const bytes of files) expect(bytes.includes(Buffer.from(SECRET))).toBe(false);
    // Positive control: the scan does find what was stored unredacted.
    expect(files.some((bytes) => bytes.includes(Buffer.from(MARKER)))).toBe(true);
  });

  it.each(REPORT_FORMATS)('leaves the secret out of the %s report', (format) => {
    const output = outputs[format] ?? '';
    expect(output).toContain('payments');
    expect(output).not.toContain(SECRET);
    // The formats that show examples show them redacted (the terminal table lists paths only).
    if (format !== 'table') expect(output).toContain('[redacted]');
  });

  it('keeps the request target with only the secret query values masked', () => {
    const json = JSON.parse(outputs.json ?? '{}') as {
      routes: Array<{ diffs: Array<{ example: { request: { url: string } } | null }> }>;
    };
    expect(json.routes[0]?.diffs[0]?.example?.request.url).toBe(
      `/payments?access_token=[redacted]&X-Amz-Signature=[redacted]&voucher=[redacted]&note=${MARKER}`,
    );
  });

  it('shows the redacted example in the HTML report', () => {
    expect(outputs.html).toContain(MARKER);
    expect(outputs.html).toMatch(/&quot;number&quot;: &quot;\[redacted\]&quot;/);
  });
});
