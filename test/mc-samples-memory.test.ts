/**
 * The samples stream to their file: a 2,000,000-sample CSV export adds at
 * most 50 MB to the peak memory of the same run without `--samples`. Both
 * runs are real CLI processes; each reports its own peak resident set size
 * (threads included) as it exits (test/fixtures/report-maxrss.mjs).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'payback-rss-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const N = 2_000_000;
const RUN = ['mc', 'hyperscaler-base', '-n', String(N), '--workers', '2', '--dist', 'finance.wacc=uniform:0.06,0.1'];

/** Run the CLI; its peak RSS in MB and its stderr. */
async function peakMB(name: string, extra: string[]): Promise<{ mb: number; stderr: string }> {
  const file = join(dir, `${name}.rss`);
  const hook = pathToFileURL(join(ROOT, 'test', 'fixtures', 'report-maxrss.mjs')).href;
  const { stderr } = await promisify(execFile)(process.execPath, ['--import', hook, join(ROOT, 'bin', 'payback.js'), ...RUN, ...extra], {
    cwd: ROOT,
    env: { ...process.env, PAYBACK_MAXRSS_FILE: file },
    maxBuffer: 16 << 20,
  });
  return { mb: Number(readFileSync(file, 'utf8')) / 1024, stderr };
}

describe('--samples streams', () => {
  it(`a ${N.toLocaleString('en-US')}-sample CSV adds at most 50 MB of peak memory`, async () => {
    const without = await peakMB('without', []);
    const csv = join(dir, 'samples.csv');
    const withCsv = await peakMB('with', ['--samples', csv]);
    expect(withCsv.stderr).toContain(`wrote ${N.toLocaleString('en-US')} samples to ${csv}`);
    // every sample is there: a header and N rows
    expect(Number(execFileSync('wc', ['-l', csv], { encoding: 'utf8' }).trim().split(/\s+/)[0])).toBe(N + 1);
    expect(statSync(csv).size).toBeGreaterThan(100e6);
    console.log(`peak RSS: ${without.mb.toFixed(0)} MB without --samples, ${withCsv.mb.toFixed(0)} MB with a ${(statSync(csv).size / 1e6).toFixed(0)} MB CSV`);
    expect(withCsv.mb - without.mb).toBeLessThanOrEqual(50);
  }, 300_000);
});
