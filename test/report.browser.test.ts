/**
 * The HTML report of the four archetypes in headless Chromium, as `npm start`
 * writes it (the default Monte Carlo): no console error, no request but the
 * page itself, the Verdict first with P(npv ≥ 0) for each built-in, every
 * section and chart present, at 1280 and 390 px no label cut short,
 * overlapping another or outside its chart and no sideways scrolling, the
 * numbers of the CLI; screenshots under `test-output/` (`report.png`,
 * `report-verdict.png`, `report-verdict-phone.png`). Chromium comes from
 * Debian's packages (`scripts/ensure-debian.sh`); the suite skips, loudly and
 * with the reason, only where that script says it cannot install it (exit 3).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli.ts';
import { pct } from '../src/report/format.ts';
import { REPORT_MC_SAMPLES, REPORT_MC_SEED } from '../src/report/report-defaults.ts';
import { ROOT } from './helpers.ts';
import { svgLabelProblems } from './web/labels.ts';

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
const WIDTHS = [
  { width: 1280, suffix: '' },
  { width: 390, suffix: '-phone' },
] as const;

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (x) => out.push(x), err: (x) => err.push(x), isTTY: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const SCENARIOS = [
  { id: 'hyperscaler-base', name: 'Hyperscaler — base case', internal: true, reference: true },
  { id: 'frontier-lab-base', name: 'Frontier lab — base case', internal: true, reference: false },
  { id: 'neocloud-base', name: 'Neocloud — base case', internal: false, reference: false },
  { id: 'private-ai-factory-base', name: 'Private AI factory — base case', internal: true, reference: false },
];

/** The chart titles the report must hold, by scenario. */
function expectedCharts(withMc: boolean): string[] {
  const titles = ['Revenue and gross profit per MW-year, by operator'];
  for (const s of SCENARIOS) {
    titles.push(
      `Token funnel — ${s.name}`,
      `Revenue, gross profit and EBITDA per MW — ${s.name}`,
      `Cost vs revenue per million tokens served — ${s.name}`,
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
  let stdout = '';

  beforeAll(async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    // what `npm start` runs (`payback report`): the four archetypes, the default Monte Carlo
    const r = await cli('report', ...SCENARIOS.map((s) => s.id), '--out', REPORT);
    if (r.code !== 0) throw new Error(`payback report failed (${r.code}):\n${r.err}`);
    stdout = r.out;
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
    expect(h2[0]).toBe('1 Verdict');
    expect(h2[1]).toBe('2 Operator comparison');
    expect(h2.at(-1)).toBe('4 Assumptions');
    SCENARIOS.forEach((s, i) => expect(h2[i + 2]).toBe(`3.${i + 1} ${s.name} ${s.id}`));

    const subs = [
      'Token funnel',
      'Revenue, gross profit and EBITDA per MW',
      'Cost vs revenue per million tokens served',
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
      expect(h3).toEqual(subs.map((t, j) => `3.${i + 1}.${j + 1} ${t}`));
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

  it('opens with the Verdict: per built-in its answer, P(npv ≥ 0) and P(irr ≥ wacc) of the stated run, three conditions, the biggest risk, strategic vs clean (screenshots at 1280 and 390 px)', async () => {
    for (const { width, suffix } of WIDTHS) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height: 900 });
      await page.goto(pathToFileURL(REPORT).href, { waitUntil: 'load' });
      const first = await page.$eval('section.page', (sec) => sec.id);
      expect(first).toBe('verdict');
      for (const s of SCENARIOS) {
        const card = page.locator(`#verdict article[data-subject="${s.id}"]`);
        expect(await card.count(), s.id).toBe(1);
        expect(await card.locator('[data-part]').evaluateAll((ps) => ps.map((p) => p.getAttribute('data-part')))).toEqual(['wacc', 'conditions', 'risk', 'strategic']);
        const text = (await card.textContent()) ?? '';
        expect(text).toMatch(/(Earns|Falls short of) its \d+\.\d % wacc/);
        expect(text).toContain(`${REPORT_MC_SAMPLES.toLocaleString('en-US')} samples, seed ${REPORT_MC_SEED}`);
        expect(await card.locator('ol.conditions li').count(), `${s.id}: three things that have to be true`).toBe(3);
        expect(await card.locator('[data-part="risk"]').textContent()).toMatch(/npv swings \$[\d,]+M across its uncertainty/);
      }
      // nothing cut short, overlapping or clipped; no sideways scrolling
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), `${width} px scrolls sideways`).toBeLessThanOrEqual(1);
      const boxes = await page.$$eval('#verdict article', (as) => as.map((a) => [...a.querySelectorAll('dd, dt, h3, h4, p, li')].map((e) => ({ w: e.scrollWidth, cw: e.clientWidth }))));
      for (const b of boxes.flat()) expect(b.w).toBeLessThanOrEqual(b.cw + 1);
      await page.locator('#verdict').screenshot({ path: join(OUT_DIR, `report-verdict${suffix}.png`) });
      await page.close();
    }
    // printed, the Verdict is one A4 page: 190 mm of width, 273 mm of height inside the 12 mm margins (96 px per inch)
    const print = await context.newPage();
    await print.setViewportSize({ width: Math.floor((186 / 25.4) * 96), height: 1000 });
    await print.goto(pathToFileURL(REPORT).href, { waitUntil: 'load' });
    await print.emulateMedia({ media: 'print' });
    const height = await print.$eval('#verdict', (e) => e.getBoundingClientRect().height);
    expect(height, 'the printed Verdict fits one A4 page').toBeLessThanOrEqual((273 / 25.4) * 96);
    await print.close();
  }, 120_000);

  it('the Verdict and the comparison print the numbers of the CLI: P(npv ≥ 0) of `payback mc` at the same n and seed, the cells of `payback compare`', async () => {
    const page = await context.newPage();
    await page.goto(pathToFileURL(REPORT).href, { waitUntil: 'load' });
    const compare = (await cli('compare')).out.split('\n');
    const cells = (label: string): string[] =>
      (compare.find((l) => l.includes(`│ ${label} `)) ?? '')
        .split('│')
        .map((c) => c.trim())
        .filter((c) => c !== '')
        .slice(1);
    const got: Record<string, string> = {};
    for (const [i, s] of SCENARIOS.entries()) {
      const mc = JSON.parse((await cli('mc', s.id, '-n', String(REPORT_MC_SAMPLES), '--seed', String(REPORT_MC_SEED), '--json')).out) as { probabilities: { npvAtLeastZero: number } };
      const p = pct(mc.probabilities.npvAtLeastZero, 1);
      const shown = await page.textContent(`#verdict article[data-subject="${s.id}"] dd[data-metric="pNpv"]`);
      expect(shown, s.id).toBe(p);
      // the CLI's own summary line says the same
      expect(stdout).toContain(`${s.id}: `);
      expect(stdout).toMatch(new RegExp(`${s.id}: [^\\n]*P\\(npv ≥ 0\\) ${p.replace('.', '\\.')}`));
      got[s.id] = p;
      for (const label of ['NPV', 'IRR', 'Payback', 'Peak funding', 'Commitments (PV)', 'Strategic NPV']) {
        const key = { NPV: 'npv', IRR: 'irr', Payback: 'paybackYears', 'Peak funding': 'peakFunding', 'Commitments (PV)': 'leaseCommitmentPV', 'Strategic NPV': 'strategicNpv' }[label] as string;
        expect(await page.textContent(`span[data-metric="${key}"][data-scenario="${s.id}"]`), `${s.id} ${label}`).toBe(cells(label)[i]);
        expect(await page.textContent(`#verdict article[data-subject="${s.id}"] dd[data-metric="${key}"]`), `${s.id} ${label} (Verdict)`).toBe(cells(label)[i]);
      }
    }
    writeFileSync(join(OUT_DIR, 'report-verdict.json'), `${JSON.stringify({ n: REPORT_MC_SAMPLES, seed: REPORT_MC_SEED, pNpvAtLeastZero: got }, null, 2)}\n`);
    console.log(`Verdict P(npv ≥ 0), ${REPORT_MC_SAMPLES} samples, seed ${REPORT_MC_SEED}: ${JSON.stringify(got)}`);
    await page.close();
  }, 180_000);

  it('at 1280 and 390 px: no chart label cut short, overlapping another or outside its chart, no empty chart, no sideways scrolling', async () => {
    for (const { width } of WIDTHS) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height: 900 });
      await page.goto(pathToFileURL(REPORT).href, { waitUntil: 'load' });
      expect(await svgLabelProblems(page), `${width} px`).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), `${width} px scrolls sideways`).toBeLessThanOrEqual(1);
      await page.close();
    }
  }, 180_000);
});
