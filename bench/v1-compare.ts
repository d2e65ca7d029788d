/**
 * `npx tsx bench/v1-compare.ts`: `evaluate()` of this tree against the v1
 * engine (git tag `v1-engine`), like with like — each archetype's v1 built-in
 * file evaluated by v1, and the same file migrated to v2 (`payback migrate`,
 * same horizon) evaluated by this tree. One child process per measurement
 * (nothing shared between the engines' JIT feedback), both trees compiled the
 * same way:
 *
 * - `compile` (the default): every `src/` file transformed on its own by
 *   esbuild into plain ESM, imports kept as modules, `const` kept — the shape
 *   of the package tsc builds (`dist/`), without tsx's loader or its
 *   `keepNames` wrappers;
 * - `--bundle`: each engine bundled into one file (esbuild turns top-level
 *   `const` into `var`, which costs v2's constant tables more than v1);
 * - `--tsx`: both run through tsx, as `npm run bench` runs.
 *
 * A child warms up, then times rounds of at least 2,000 calls (and 100 ms of
 * CPU) and reports the best and the median µs of CPU per evaluate; the
 * children of the two engines alternate, `--repeat` times, best kept.
 *
 *   npx tsx bench/v1-compare.ts [--bundle | --tsx] [--rounds 15] [--repeat 3] [--v1 DIR] [--only hyperscaler-base,…]
 *
 * `--v1 DIR`: a checkout of the tag (e.g. `git worktree add /tmp/v1eng v1-engine`
 * with its node_modules linked); without it the tag's `src/` and `data/` are
 * extracted once (`git archive`) into the system's temp directory. Not part of
 * `npm run bench` (it reads another revision of the repository); the migrated
 * files it measures are bench/v1-files/, which `npm run bench` times too.
 */
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { migrateScenarioText } from '../src/model/migrate.ts';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const mode = args.includes('--tsx') ? 'tsx' : args.includes('--bundle') ? 'bundle' : 'compile';
const rounds = Number(opt('rounds') ?? 15);
const repeat = Number(opt('repeat') ?? 3);
const work = join(tmpdir(), 'payback-v1-compare');
mkdirSync(work, { recursive: true });
const nodeModules = realpathSync(join(root, 'node_modules'));

/** The v1 engine's tree: given, or the tag's src/ and data/ extracted once. */
function v1Tree(): string {
  const given = opt('v1');
  if (given !== undefined) return resolve(given);
  const dir = join(work, 'v1-engine');
  if (!existsSync(join(dir, 'src', 'model', 'engine.ts'))) {
    mkdirSync(dir, { recursive: true });
    execSync(`git -C ${JSON.stringify(root)} archive --format=tar v1-engine src data package.json | tar -x -C ${JSON.stringify(dir)}`);
  }
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(nodeModules, join(dir, 'node_modules'));
  return dir;
}

/** The child of one side: loads a scenario file with that tree's loader, times its `evaluate`, prints JSON. */
const CHILD = (engine: string, files: string): string => `
import { evaluate } from ${JSON.stringify(engine)};
import { readScenarioFile } from ${JSON.stringify(files)};
const [file, roundsArg] = process.argv.slice(2);
const r = readScenarioFile(file);
if (!r.ok) throw new Error(file + ' does not load: ' + JSON.stringify(r.issues));
const s = r.scenario;
const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; };
let sink = 0;
const once = () => { const x = evaluate(s); sink += x.years.length + x.segments.length + x.warnings.length; };
let t0 = cpu();
while (cpu() - t0 < 1500000) for (let i = 0; i < 200; i++) once();
// calls per round: at least 2,000 and 100 ms of CPU
let calls = 2000;
t0 = cpu();
for (let i = 0; i < calls; i++) once();
const per = (cpu() - t0) / calls;
calls = Math.max(2000, Math.ceil(100000 / per));
const micros = [];
for (let k = 0; k < Number(roundsArg); k++) {
  const a = cpu();
  for (let i = 0; i < calls; i++) once();
  micros.push((cpu() - a) / calls);
}
micros.sort((a, b) => a - b);
const x = evaluate(s);
console.log(JSON.stringify({ best: micros[0], median: micros[micros.length >> 1], calls, T: s.horizon.years, npv: x.summary.npv, rows: x.years.length, sink: sink > 0 }));
`;

const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));

/** Every `src/` file of `tree` transformed on its own into `out/src` (imports `.ts` → `.js`), with `out/data` and `out/node_modules` linked. */
async function compileTree(tree: string, out: string): Promise<void> {
  const esbuild = await import('esbuild');
  rmSync(join(out, 'src'), { recursive: true, force: true });
  for (const f of walk(join(tree, 'src'))) {
    if (!f.endsWith('.ts') && !f.endsWith('.tsx')) continue;
    const r = await esbuild.transform(readFileSync(f, 'utf8'), { loader: f.endsWith('.tsx') ? 'tsx' : 'ts', format: 'esm', target: 'node20', sourcefile: f });
    const code = r.code.replace(/(from\s+|import\s*\(\s*|import\s+)(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2');
    const o = join(out, relative(tree, f)).replace(/\.tsx?$/, '.js');
    mkdirSync(dirname(o), { recursive: true });
    writeFileSync(o, code);
  }
  if (!existsSync(join(out, 'data'))) symlinkSync(join(tree, 'data'), join(out, 'data'));
  if (!existsSync(join(out, 'node_modules'))) symlinkSync(nodeModules, join(out, 'node_modules'));
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
}

/** The command that runs one side's child, the tree compiled as `mode` says. */
async function sideCommand(name: string, tree: string): Promise<string[]> {
  const dir = join(work, `${name}-${mode}`);
  mkdirSync(dir, { recursive: true });
  if (mode === 'compile') {
    await compileTree(tree, dir);
    const entry = join(dir, 'child.mjs');
    writeFileSync(entry, CHILD(join(dir, 'src', 'model', 'engine.js'), join(dir, 'src', 'io', 'files.js')));
    return [process.execPath, entry];
  }
  // the child sits two levels below a link to the tree's data/ (files.ts finds data/ at ../../data from itself, once bundled)
  mkdirSync(join(dir, 'a', 'b'), { recursive: true });
  if (!existsSync(join(dir, 'data'))) symlinkSync(join(tree, 'data'), join(dir, 'data'));
  const entry = join(dir, 'a', 'b', 'child.ts');
  writeFileSync(entry, CHILD(join(tree, 'src', 'model', 'engine.ts'), join(tree, 'src', 'io', 'files.ts')));
  if (mode === 'tsx') return [process.execPath, '--import', 'tsx', entry];
  const esbuild = await import('esbuild');
  const out = join(dir, 'a', 'b', 'child.mjs');
  await esbuild.build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    // CommonJS dependencies bundled into ESM need a require
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return [process.execPath, out];
}

interface Timing {
  best: number;
  median: number;
  calls: number;
  T: number;
  npv: number;
  rows: number;
}

function time(cmd: string[], file: string): Timing {
  const out = execFileSync(cmd[0]!, [...cmd.slice(1), file, String(rounds)], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Timing;
}

const v1 = v1Tree();
const v1Cmd = await sideCommand('v1', v1);
const v2Cmd = await sideCommand('v2', root);
const ids = opt('only')?.split(',') ?? ['hyperscaler-base', 'frontier-lab-base', 'neocloud-base', 'private-ai-factory-base'];
console.log(`evaluate(): v1 engine (${v1}) vs this tree, both ${mode === 'compile' ? 'compiled file by file' : mode === 'bundle' ? 'bundled' : 'through tsx'}; µs CPU per call, best of ${rounds} rounds (best of ${repeat} processes each)\n`);
console.log('archetype                 T   v1 µs   v2 µs   v2 speed   v1 years/s   v2 years/s   (medians v1 / v2)');
for (const id of ids) {
  const v1File = join(v1, 'data', 'scenarios', `${id}.yaml`);
  const m = migrateScenarioText(readFileSync(v1File, 'utf8'));
  if (!m.ok) throw new Error(`${id}: ${m.message}`);
  const v2File = join(work, `${id}.v2.yaml`);
  writeFileSync(v2File, m.text);
  let a: Timing | undefined;
  let b: Timing | undefined;
  for (let k = 0; k < repeat; k++) {
    const x = time(v1Cmd, v1File);
    const y = time(v2Cmd, v2File);
    if (a === undefined || x.best < a.best) a = x;
    if (b === undefined || y.best < b.best) b = y;
  }
  if (a!.T !== b!.T || a!.rows !== b!.rows) throw new Error(`${id}: not like with like (v1 ${a!.T} years, v2 ${b!.T})`);
  const yps = (t: Timing): string => ((1e6 / t.best) * t.T).toFixed(0).padStart(12);
  // v2's npv differs where its economics do (commitments after the horizon, MODEL.md v2 §3.6): the same work, other numbers
  console.log(
    `${id.padEnd(24)} ${String(a!.T).padStart(2)} ${a!.best.toFixed(2).padStart(7)} ${b!.best.toFixed(2).padStart(7)} ${(a!.best / b!.best).toFixed(2).padStart(8)}× ${yps(a!)} ${yps(b!)}   (${a!.median.toFixed(2)} / ${b!.median.toFixed(2)})`,
  );
}
