/**
 * The HTML report in a real browser (Debian's Chromium, headless): it renders, shows the verdicts and the
 * diff view, loads nothing from anywhere, and recorded markup stays text.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildReport } from '../../src/report/build-report.ts';
import { renderHtml } from '../../src/report/html/render-html.ts';
import { createBatchingRecorder } from '../../src/store/batching-recorder.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { comparison, response, verdict } from '../store/fixtures.ts';
import { fillStore, NOW, ROUTES } from './fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
// CI installs Chromium (.ci/run); elsewhere a missing browser skips with a reason instead of failing.
const missing = !existsSync(CHROMIUM) && process.env.CI !== 'true';
if (missing)
  console.warn(`HTML report browser tests skipped: ${CHROMIUM} not found (apt-get install chromium)`);

const SCRIPT = '<script>window.__pwned = true</script>';
const IMG = '<img src=x onerror="window.__pwned = true">';

describe.skipIf(missing)('HTML report in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  let html: string;
  const requested: string[] = [];

  beforeAll(async () => {
    const store = createMemoryStore();
    await fillStore(store);
    // Markup planted where a report shows recorded data: URL, header, body, noise path, event detail.
    const recorder = createBatchingRecorder(store, { routes: ROUTES });
    recorder.recordComparison(
      comparison({
        routeId: 'orders',
        at: NOW - 60_000,
        request: { method: 'GET', url: `/orders/9?q=${SCRIPT}`, headers: { 'x-note': IMG }, requestId: 'x' },
        legacy: response(200, { title: IMG }),
        service: response(200, { title: SCRIPT }),
        verdict: verdict('mismatch', [{ path: '$.title', kind: 'value' }]),
      }),
    );
    recorder.recordNoise('orders', [`$['${IMG}']`]);
    recorder.recordEvent({ routeId: 'orders', kind: 'reload', at: NOW - 60_000, detail: SCRIPT });
    await recorder.close();

    html = renderHtml(await buildReport(store, { now: NOW, routes: ROUTES }));
    dir = await mkdtemp(path.join(tmpdir(), 'strangler-html-'));
    await writeFile(path.join(dir, 'report.html'), html);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(pathToFileURL(path.join(dir, 'report.html')).href, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is one self-contained file: no request beyond the file itself, no external URL, no script', () => {
    expect(requested).toEqual([pathToFileURL(path.join(dir, 'report.html')).href]);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script/i);
  });

  it('shows planted markup as text and never runs it', async () => {
    expect(await page.evaluate(() => (globalThis as { __pwned?: boolean }).__pwned)).toBeUndefined();
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    await expect.poll(() => page.getByText(SCRIPT).first().isVisible()).toBe(true);
    expect(await page.getByText(IMG).count()).toBeGreaterThan(0);
  });

  it('shows each route’s verdict and the side-by-side diff view with the differing lines highlighted', async () => {
    const orders = page.locator('#route-orders');
    await expect.poll(() => orders.locator('h2 .verdict').textContent()).toBe('mismatching');
    expect(await page.locator('#route-catalog h2 .verdict').textContent()).toBe('rolled back');
    expect(await page.locator('#route-users h2 .verdict').textContent()).toBe('hold');

    const firstExample = orders.locator('details.diff').first();
    expect(await firstExample.locator('.side-legacy, .side-service').count()).toBe(2);
    // The bodies in one table aligned on JSON paths: each highlighted line faces its counterpart.
    const aligned = firstExample.locator('table.aligned-body tbody tr');
    const highlighted = aligned.filter({ has: page.locator('td.service-line.hl') });
    expect((await highlighted.allTextContents()).join('\n')).toMatch(/"price": "12\.50",?\s*"price": 12\.5/);
    const rows = firstExample.locator('table.diff-table tbody tr');
    // $.items[0].price and $.items[1].price collapse into one row with their count.
    expect(await rows.count()).toBe(2);
    expect(await rows.first().textContent()).toContain('$.items[*].price ×2, first at $.items[0].price');
    expect(await firstExample.locator('.side-legacy tr.hl th').textContent()).toBe('etag');
    // Request headers are folded.
    expect(await firstExample.locator('details.request-headers').count()).toBe(1);
    expect(await firstExample.locator('details.request-headers table').isVisible()).toBe(false);
  });

  it('renders visibly: a screenshot shows the verdicts, chart and diff table', async () => {
    const verdictBadge = page.locator('#route-orders h2 .verdict');
    await verdictBadge.scrollIntoViewIfNeeded();
    expect(await verdictBadge.isVisible()).toBe(true);
    const box = await verdictBadge.boundingBox();
    expect(box?.width).toBeGreaterThan(40);
    expect(await page.locator('#route-orders svg.chart polyline').count()).toBeGreaterThan(0);
    // The latency chart beside it: a bar per side and percentile.
    expect(await page.locator('#route-orders svg.chart.latency rect').count()).toBe(4);
    expect(await page.locator('#route-orders table.diff-table').first().isVisible()).toBe(true);

    const file = path.join(process.env.STRANGLER_SCREENSHOT_DIR ?? dir, 'report.png');
    const png = await page.screenshot({ path: file, fullPage: true });
    expect(png.byteLength).toBeGreaterThan(50_000);
    // The badge is painted in the verdict's color, not left unstyled.
    // (The function runs in the page: it can only use what it names itself.)
    const color = await verdictBadge.evaluate(
      (element) =>
        (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(
          element,
        ).color,
    );
    expect(color).toBe('rgb(207, 34, 46)');
  });
});
