/**
 * The HTML report of the four archetypes in headless Chromium: no console
 * error, no request but the page itself, every section and chart present, a
 * full-page screenshot under `test-output/report.png`. Chromium comes from
 * Debian's packages (`scripts/ensure-debian.sh`); the suite skips, loudly and
 * with the reason, only where that script says it cannot install it (exit 3).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli.ts';
import { ROOT } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const ensure = spawnSync('bash', [join(ROOT, 'scripts/ensure-debian.sh'), 'chromium', 'chromium'], { encoding: 'utf8', timeout: 900_000 });
const skipReason =
  ensure.status === 3 ? `Chromium is not installed and cannot be installed here: ${ensure.stderr.trim()}` : undefined;
if (skipReason !== undefined) console.warn(`\n!! SKIPPING test/report.browser.test.ts — ${skipReason}\n`);
if (ensure.status !== 0 && ensure.status !== 3) {
  throw new Error(`scripts/ensure-debian.sh chromium chromium failed (exit ${ensure.status}):\n${ensure.stderr}`);
}

const OUT_DIR = join(ROOT, 'test-output');
const REPORT = join(OUT_DIR, 'report.html');
const SCREENSHOT = join(OUT_DIR, 'report.png');

const SCENARIOS = [
  { id: 'hyperscaler-base', name: 'Hyperscaler — base case', internal: true, reference: true },
  { id: 'frontier-lab-base', name: 'Frontier lab — base case', internal: true, reference: false },
  { id: 'neocloud-base', name: 'Neocloud — base case', internal: false, reference: false },
  { id: 'private-ai-factory-base', name: 'Private AI factory — base case', internal: true, reference: false },
];
const MC_SAMPLES = 500;

/** The chart titles the report must hold, by scenario. */
function expectedCharts(withMc: boolean): string[] {
  const titles = ['Revenue and gross profit per MW-year, by operator'];
  for (const s of SCENARIOS) {
    titles.push(
      `Token funnel — ${s.name}`,
      `Revenue, gross profit and EBITDA per MW — ${s.name}`,
      `Cost vs realized price per million tokens — ${s.name}`,
      `Cash flows and cumulative payback — ${s.name}`,
      `Tornado — NPV, ${s.id}`,
      `Payback stack — ${s.id}`,
      `Payback stack by payer — ${s.id}`,
    );
    if (s.internal) titles.push(`Internal inference — ${s.id}`);
    if (!s.reference) titles.push(`Structural advantages — ${s.id} vs hyperscaler-base`);
    if (withMc) titles.push(`Monte Carlo NPV — ${s.id}`, `Monte Carlo IRR — ${s.id}`);
  }
  return titles;
}

describe.skipIf(skipReason !== undefined)('the HTML report in Chromium', () => {
  let context: BrowserContext;
  let profile: string;
  const withMc = true;

  beforeAll(async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    const err: string[] = [];
    const args = ['report', ...SCENARIOS.map((s) => s.id), '--out', REPORT, ...(withMc ? ['--mc', String(MC_SAMPLES), '--seed', '7'] : [])];
    const code = await runCli(args, { out: () => {}, err: (s) => err.push(s), isTTY: false });
    if (code !== 0) throw new Error(`payback report failed (${code}):\n${err.join('\n')}`);
    profile = mkdtempSync(join(tmpdir(), 'payback-chromium-'));
    // a fresh profile per run: Playwright takes the user data dir here, not as --user-data-dir
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1100, height: 900 },
    });
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('opens with no console error and no request, shows every section and chart, and screenshots', async () => {
    const page = await context.newPage();
    const url = pathToFileURL(REPORT).href;
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.route('**/*', async (route) => {
      if (route.request().url() === url) await route.continue();
      else {
        requests.push(route.request().url());
        await route.abort();
      }
    });
    await page.goto(url, { waitUntil: 'load' });

    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.evaluate(() => document.scripts.length)).toBe(0);

    const h2 = await page.$$eval('h2', (hs) => hs.map((h) => (h.textContent ?? '').trim()));
    expect(h2[0]).toBe('1 Operator comparison');
    expect(h2.at(-1)).toBe('3 Assumptions');
    SCENARIOS.forEach((s, i) => expect(h2[i + 1]).toBe(`2.${i + 1} ${s.name} ${s.id}`));

    const subs = [
      'Token funnel',
      'Revenue, gross profit and EBITDA per MW',
      'Cost vs realized price per million tokens',
      'Cash flows and cumulative payback',
      'What has to be true',
      'Tornado',
      'Payback stack',
      'Internal inference',
      'Structural advantages against hyperscaler-base',
      ...(withMc ? ['Monte Carlo'] : []),
    ];
    for (const [i, s] of SCENARIOS.entries()) {
      const h3 = await page.$$eval(`section[data-scenario="${s.id}"] h3`, (hs) => hs.map((h) => (h.textContent ?? '').trim()));
      expect(h3).toEqual(subs.map((t, j) => `2.${i + 1}.${j + 1} ${t}`));
      // the breakeven and tornado tables have a row per driver
      expect(await page.locator(`section[data-scenario="${s.id}"] table.breakeven tbody tr`).count()).toBeGreaterThan(3);
      expect(await page.locator(`section[data-scenario="${s.id}"] table.tornado tbody tr`).count()).toBeGreaterThan(3);
    }
    expect(await page.locator('.missing').count()).toBe(0);

    const titles = await page.$$eval('svg[role="img"]', (svgs) => svgs.map((s) => s.getAttribute('aria-label') ?? ''));
    const expected = expectedCharts(withMc);
    expect([...titles].sort()).toEqual([...expected].sort());
    // each chart draws its title and has drawn something
    const drawn = await page.$$eval('svg[role="img"]', (svgs) =>
      svgs.map((s) => ({ label: s.getAttribute('aria-label'), text: s.textContent ?? '', paths: s.querySelectorAll('path').length, w: s.getBoundingClientRect().width })),
    );
    for (const d of drawn) {
      expect(d.text, d.label ?? '').toContain(d.label);
      expect(d.paths, d.label ?? '').toBeGreaterThan(3);
      expect(d.w, d.label ?? '').toBeGreaterThan(600);
    }
    // the assumptions: a hash and an inputs table per scenario
    expect(await page.locator('#assumptions code.hash').count()).toBe(SCENARIOS.length);
    expect(await page.locator('#assumptions table.inputs').count()).toBe(SCENARIOS.length);

    // printable: each section starts a page
    await page.emulateMedia({ media: 'print' });
    const breaks = await page.$$eval('section.page', (ss) => ss.map((s) => getComputedStyle(s).breakBefore));
    expect(breaks.slice(1).every((b) => b === 'page')).toBe(true);
    await page.emulateMedia({ media: 'screen' });

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(requests).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, 300_000);
});
