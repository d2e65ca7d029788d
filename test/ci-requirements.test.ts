/**
 * The browser, spreadsheet and PostgreSQL suites skip, loudly, on a machine that
 * cannot install what they need. CI is not such a machine: there a missing tool
 * is a failure, so a broken install step cannot pass as a green run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const inCi = process.env['CI'] === 'true' || process.env['CI'] === '1';
const onPath = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

describe.runIf(inCi)('what CI must have (CI=true)', () => {
  it('Chromium for the report and dashboard suites', () => {
    expect(existsSync('/usr/bin/chromium') || onPath('chromium'), 'chromium is missing: scripts/ensure-debian.sh chromium chromium').toBe(true);
  });
  it('LibreOffice for the spreadsheet suite', () => {
    expect(onPath('soffice'), 'soffice is missing: scripts/ensure-debian.sh soffice libreoffice-calc').toBe(true);
  });
  it('a PostgreSQL server for the store suite', () => {
    const r = spawnSync('bash', [join(import.meta.dirname, '..', 'scripts', 'ensure-postgres.sh'), 'install'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });
});

