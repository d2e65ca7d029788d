/**
 * LibreOffice for the spreadsheet tests: make sure it is installed (Debian's
 * packages, through scripts/ensure-debian.sh), and recalculate workbooks
 * headless. A fresh profile with `OOXMLRecalcMode = 0` ("always recalculate")
 * makes Calc recompute every formula on load instead of showing the cached
 * values; converting to xlsx then writes the recomputed values as the new
 * cached results, which exceljs reads back.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { ROOT } from './helpers.ts';

export type LibreOfficeStatus = { ok: true } | { ok: false; reason: string };

/**
 * Install LibreOffice Calc when `soffice` is missing. `{ ok: false }` only when
 * this machine cannot install it (ensure-debian.sh exits 3: not root, no apt);
 * any other failure throws, so a broken install fails the suite loudly.
 */
export function ensureLibreOffice(): LibreOfficeStatus {
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'ensure-debian.sh'), 'soffice', 'libreoffice-calc'], { encoding: 'utf8', timeout: 900_000 });
  if (r.status === 0) return { ok: true };
  if (r.status === 3) return { ok: false, reason: r.stderr.trim() || 'LibreOffice is not installed and cannot be installed here' };
  throw new Error(`scripts/ensure-debian.sh soffice libreoffice-calc failed (exit ${r.status ?? r.signal}):\n${r.stderr}`);
}

const RECALC_ALWAYS = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`;

/**
 * Open each workbook in headless LibreOffice with forced recalculation and
 * save it as xlsx into `outDir` (one soffice process for all of them).
 * Returns the converted files, in the order given, and the time it took.
 */
export function recalculate(files: readonly string[], outDir: string): { outputs: string[]; ms: number } {
  mkdirSync(outDir, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'payback-lo-profile-'));
  try {
    mkdirSync(join(profile, 'user'), { recursive: true });
    writeFileSync(join(profile, 'user', 'registrymodifications.xcu'), RECALC_ALWAYS);
    const t0 = performance.now();
    const r = spawnSync(
      'soffice',
      [`-env:UserInstallation=file://${profile}`, '--headless', '--norestore', '--nologo', '--convert-to', 'xlsx:Calc MS Excel 2007 XML', '--outdir', outDir, ...files],
      { encoding: 'utf8', timeout: 300_000 },
    );
    const ms = performance.now() - t0;
    const outputs = files.map((f) => join(outDir, `${basename(f, extname(f))}.xlsx`));
    const missing = outputs.filter((o) => !existsSync(o));
    if (r.status !== 0 || missing.length > 0) {
      throw new Error(`soffice --convert-to failed (exit ${r.status ?? r.signal}); missing ${missing.join(', ') || 'nothing'}\n${r.stdout}\n${r.stderr}`);
    }
    return { outputs, ms };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
