/**
 * The shell habits the CLI keeps, on the real binary where the shell is the
 * point: a reader that stops early (`| head -1`) ends it quietly with exit 0;
 * `-` is standard input or output wherever a file is read or written; every
 * command takes `--json`; no command prints the help on stdout and exits 2;
 * `payback completion bash|zsh|fish` completes the real commands.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProgram } from '../src/cli/program.ts';
import { ROOT } from './helpers.ts';

const BIN = join(ROOT, 'bin', 'payback.js');
const dir = mkdtempSync(join(tmpdir(), 'payback-conventions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The real CLI in `cwd` (default: a scratch directory), with `input` on its standard input. */
function payback(args: string[], opts: { input?: string; cwd?: string; env?: Record<string, string> } = {}): { code: number | null; out: string; err: string; bytes: Buffer } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? dir, input: opts.input ?? '', env: { ...process.env, ...opts.env }, maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8'), bytes: r.stdout };
}

const NEOCLOUD_YAML = readFileSync(join(ROOT, 'data', 'scenarios', 'neocloud-base.yaml'), 'utf8');

describe('a reader that stops early', () => {
  it('`payback run hyperscaler-base | head -1` exits 0 with nothing on stderr', () => {
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${BIN}" run hyperscaler-base | head -1`], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l !== '')).toHaveLength(1);
  });

  it('a pipe closed before the first write (EPIPE for certain): exit 0, no trace', async () => {
    const child = spawn(process.execPath, [BIN, 'run', 'hyperscaler-base', '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(err).toBe('');
    expect(code).toBe(0);
  });
});

describe('- is standard input where a file is read', () => {
  it('run, validate and export read a scenario from standard input', () => {
    const run = payback(['run', '-', '--json'], { input: NEOCLOUD_YAML });
    expect(run.code, run.err).toBe(0);
    expect((JSON.parse(run.out) as { scenario: { id: string } }).scenario.id).toBe('neocloud-base');
    const ok = payback(['validate', '-'], { input: NEOCLOUD_YAML });
    expect(ok.out).toMatch(/^ok: - is a valid scenario \(neocloud-base/);
  });

  it('bad input from standard input is named <stdin> with line and column', () => {
    const bad = payback(['validate', '-'], { input: NEOCLOUD_YAML.replace(/^(\s*itMW:) .*$/m, '$1 -5') });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/<stdin>:\d+:\d+ site\.itMW/);
    expect(bad.err).not.toMatch(/node:internal|at .*\.(ts|js):\d+/);
  });

  it('signals import - reads CSV (or JSON/YAML) from standard input', () => {
    const csv = readFileSync(join(ROOT, 'data', 'observations', 'seed.csv'), 'utf8');
    const r = payback(['signals', 'import', '-', '--db', join(dir, 'stdin.db'), '--json'], { input: csv });
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { file: string; added: number }).added).toBeGreaterThan(5);
    const again = payback(['signals', 'import', '-', '--format', 'csv', '--db', join(dir, 'stdin.db'), '--json'], { input: csv });
    expect((JSON.parse(again.out) as { added: number; duplicates: number }).added).toBe(0);
  });
});

describe('- is standard output where a file is written', () => {
  it('export --json - prints the result and writes no file named -', () => {
    const r = payback(['export', 'neocloud-base', '--json', '-']);
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { scenario: { id: string } }).scenario.id).toBe('neocloud-base');
    expect(existsSync(join(dir, '-'))).toBe(false);
  });

  it('export --xlsx - writes the workbook to standard output; --csv - and two outputs on - are refused', () => {
    const r = payback(['export', 'neocloud-base', '--xlsx', '-', '--csv', join(dir, 'csv') + '/']);
    expect(r.code, r.err).toBe(0);
    expect(r.bytes.subarray(0, 2).toString('latin1')).toBe('PK'); // a zip: the workbook
    expect(r.err).toContain(`wrote ${join(dir, 'csv', 'neocloud-base-years.csv')}`);
    const csv = payback(['export', 'neocloud-base', '--csv', '-']);
    expect(csv.code).toBe(2);
    expect(csv.err).toContain('--csv writes two files');
    const two = payback(['export', 'neocloud-base', '--xlsx', '-', '--json', '-']);
    expect(two.code).toBe(2);
    expect(two.err).toContain('only one output can go to standard output');
    expect(existsSync(join(dir, '-'))).toBe(false);
  });

  it('report --out - prints the HTML; the comparison goes to standard error', () => {
    const r = payback(['report', 'neocloud-base', '--out', '-']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^<!doctype html>/i);
    expect(r.err).toContain('neocloud-base');
  });
});

describe('--json on every command', () => {
  it('every command (and subcommand) has a --json option', () => {
    const program = makeProgram({ out: () => {}, err: () => {}, isTTY: false });
    const missing: string[] = [];
    const walk = (c: Command, path: string[]): void => {
      for (const s of c.commands) {
        const p = [...path, s.name()];
        if (s.commands.length > 0) walk(s, p);
        else if (!s.options.some((o) => o.long === '--json')) missing.push(p.join(' '));
      }
    };
    walk(program, []);
    expect(missing).toEqual([]);
  });

  it('validate --json: the verdict on stdout, exit 0 or 2', () => {
    const ok = payback(['validate', 'neocloud-base', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ ok: true, file: 'neocloud-base', scenario: { id: 'neocloud-base' }, issues: [] });
    const bad = payback(['validate', join(ROOT, 'test', 'fixtures', 'broken.yaml'), '--json']);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('');
    const verdict = JSON.parse(bad.out) as { ok: boolean; issues: { path: string; line?: number }[] };
    expect(verdict.ok).toBe(false);
    expect(verdict.issues.map((i) => i.path)).toContain('site.itMW');
    expect(verdict.issues.every((i) => typeof i.line === 'number')).toBe(true);
  });

  it('init --json is a JSON scenario with its $schema, which the loader accepts', () => {
    const file = join(dir, 'from-init.json');
    const r = payback(['init', 'neocloud', '--json', '--out', file], { cwd: ROOT });
    expect(r.code, r.err).toBe(0);
    const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(json)[0]).toBe('$schema');
    expect(payback(['validate', file]).code).toBe(0);
    expect(payback(['init', 'neocloud', '--out', file]).code).toBe(2); // never over an existing file
  });
});

describe('the $schema modeline of init', () => {
  it('is relative to where the file goes when the schema is inside the working directory', () => {
    const here = payback(['init', 'neocloud'], { cwd: ROOT });
    expect(here.out.split('\n')[0]).toBe('# yaml-language-server: $schema=./schema/scenario.schema.json');
    const nested = payback(['init', 'neocloud', '--out', join('out', 'init-test', 'x.yaml')], { cwd: ROOT });
    expect(nested.code, nested.err).toBe(0);
    const text = readFileSync(join(ROOT, 'out', 'init-test', 'x.yaml'), 'utf8');
    rmSync(join(ROOT, 'out', 'init-test'), { recursive: true, force: true });
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schema/scenario.schema.json');
    // outside it (a global install, seen from elsewhere), the absolute path is the one that works
    expect(payback(['init', 'neocloud'], { cwd: dir }).out.split('\n')[0]).toBe(`# yaml-language-server: $schema=${join(ROOT, 'schema', 'scenario.schema.json')}`);
  });
});

describe('no command', () => {
  it('`payback` prints the help on stdout and exits 2 (a usage error); so does `payback signals`', () => {
    const r = payback([]);
    expect(r.code).toBe(2);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^Usage: payback/);
    expect(r.out).toContain('PAYBACK_DEBUG');
    const s = payback(['signals']);
    expect(s.code).toBe(2);
    expect(s.out).toMatch(/^Usage: payback signals/);
    expect(payback(['--help']).code).toBe(0);
  });
});

describe('shell completion', () => {
  const script = (shell: string): string => {
    const r = payback(['completion', shell]);
    expect(r.code, r.err).toBe(0);
    return r.out;
  };

  it('bash completes commands, subcommands, options, built-in ids and files', () => {
    const file = join(dir, 'payback.bash');
    writeFileSync(file, script('bash'));
    const complete = (...words: string[]): string[] => {
      const cmd = `source "${file}"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _payback; printf '%s\\n' "\${COMPREPLY[@]}"`;
      return execFileSync('bash', ['-c', cmd], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter((l) => l !== '');
    };
    expect(complete('payback', 'ru')).toEqual(['run']);
    expect(complete('payback', 'signals', 'st')).toEqual(['status']);
    expect(complete('payback', 'run', 'neo')).toContain('neocloud-base');
    expect(complete('payback', 'mc', 'x', '--sa')).toEqual(['--samples']);
    expect(complete('payback', 'export', 'x', '--xlsx', 'READ')).toEqual(['README.md']);
    expect(complete('payback', 'completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(complete('payback', 'signals', 'import', '--format', '')).toEqual(['csv', 'json', 'yaml']);
  });

  const has = (sh: string): boolean => spawnSync(sh, ['--version']).status === 0;

  it.skipIf(!has('zsh'))(`zsh: the script parses and registers _payback for payback${has('zsh') ? '' : ' (zsh is not installed: skipped)'}`, () => {
    const file = join(dir, 'payback.zsh');
    writeFileSync(file, script('zsh'));
    expect(spawnSync('zsh', ['-n', file], { encoding: 'utf8' }).status).toBe(0);
    const r = spawnSync('zsh', ['-fc', `autoload -Uz compinit && compinit -u -d "${join(dir, 'zcompdump')}" && source "${file}" && print -r -- $_comps[payback]`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('_payback');
  });

  it.skipIf(!has('fish'))(`fish: completes commands, subcommands, options and built-in ids${has('fish') ? '' : ' (fish is not installed: skipped)'}`, () => {
    const file = join(dir, 'payback.fish');
    writeFileSync(file, script('fish'));
    expect(spawnSync('fish', ['-n', file], { encoding: 'utf8' }).status).toBe(0);
    const complete = (line: string): string[] => {
      const r = spawnSync('fish', ['-c', `source "${file}"; complete -C "${line}"`], { cwd: ROOT, encoding: 'utf8' });
      expect(r.stderr).toBe('');
      return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t')[0] as string);
    };
    expect(complete('payback ru')).toEqual(['run']);
    expect(complete('payback signals st')).toEqual(['status']);
    expect(complete('payback run neo')).toContain('neocloud-base');
    expect(complete('payback mc x --sa')).toEqual(['--samples']);
    expect(complete('payback completion ')).toEqual(['bash', 'fish', 'zsh']);
  });

  it('fish: the script names every command', () => {
    const text = script('fish');
    for (const c of ['run', 'compare', 'validate', 'signals', 'status', 'completion']) expect(text).toContain(`-a '${c}'`);
  });
});
