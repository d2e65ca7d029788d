import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import { didYouMeanSuffix } from '../../model/issues.ts';
import { dataDir, loadCatalog, STDIO, writeFileAtomic } from '../../io/files.ts';
import { ARCHETYPES, type InitOptions } from '../commands/init.ts';
import { type CliIO, InputError, json } from '../context.ts';

/**
 * How a scenario written into `dir` names the shipped JSON Schema: when the
 * schema lies inside the working directory (the project's node_modules, or
 * this repository), a path relative to `dir`, so the file keeps working when
 * the project moves or is shared; otherwise (a global install) its absolute path.
 */
export function schemaReference(dir: string, cwd = process.cwd()): string {
  const schema = resolve(dataDir(), '..', 'schema', 'scenario.schema.json');
  const inProject = relative(resolve(cwd), schema);
  if (inProject.startsWith('..') || isAbsolute(inProject)) return schema;
  const rel = relative(resolve(dir), schema).split(sep).join('/');
  return rel.startsWith('..') ? rel : `./${rel}`;
}

export function initAction(io: CliIO, archetype: string, opts: InitOptions): void {
  const name = archetype.replace(/-base$/, '');
  if (!(ARCHETYPES as readonly string[]).includes(name)) {
    throw new InputError([{ path: 'archetype', message: `unknown archetype "${archetype}"${didYouMeanSuffix(name, ARCHETYPES)}; expected one of ${ARCHETYPES.join(', ')}` }]);
  }
  const id = opts.id || `my-${name}`;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new InputError([{ path: 'id', message: `"${id}" is not an id: use lower-case letters, digits and dashes` }]);
  const out = opts.out === undefined || opts.out === STDIO ? undefined : opts.out;
  if (out !== undefined && existsSync(out)) throw new InputError([{ path: '--out', message: `${out} exists; init never writes over a file (choose another name, or remove it)` }]);
  const ref = schemaReference(out === undefined ? process.cwd() : dirname(resolve(out)));
  const base = readFileSync(join(dataDir(), 'scenarios', `${name}-base.yaml`), 'utf8');
  const yamlText = initTemplate(base, { archetype: name, id, schema: ref, catalog: loadCatalog().accelerators });
  const text = opts.json ? json({ $schema: ref, ...(parse(yamlText) as Record<string, unknown>) }) : yamlText.trimEnd();
  if (out === undefined) {
    io.out(text);
    return;
  }
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileAtomic(out, `${text}\n`);
  io.out(`wrote ${out}`);
}

/** The fields a catalog row gives a fleet: set in a scenario, they override it. */
const CATALOG_FIELDS = ['kWPerAccelerator', 'tokensPerSecond', 'capexPerAccelerator'] as const;

type CatalogRow = { id: string } & Partial<Record<(typeof CATALOG_FIELDS)[number], number>>;

/**
 * A user's scenario from a built-in's file: its values and their comments
 * (where each value comes from), but not the archetype's own description and
 * sources — those describe the base case, not the user's scenario — and no
 * copy of a catalog value: a line that repeats the catalog is left out, so the
 * value follows the accelerator the user picks, and a comment that quotes the
 * catalog's number (which goes stale when the catalog or the accelerator
 * changes) says "overrides the catalog" instead.
 */
export function initTemplate(text: string, o: { archetype: string; id: string; schema: string; catalog: readonly CatalogRow[] }): string {
  const lines = text.split('\n');
  const out: string[] = [];
  const accelerator = /^\s+accelerator:\s*([a-z0-9-]+)/m.exec(text)?.[1];
  const row = o.catalog.find((r) => r.id === accelerator);
  let skipBlock: RegExp | null = null;
  let header = true;
  for (const line of lines) {
    if (skipBlock !== null) {
      if (skipBlock.test(line)) continue;
      skipBlock = null;
    }
    if (line.startsWith('# yaml-language-server:')) {
      out.push(`# yaml-language-server: $schema=${o.schema}`);
      continue;
    }
    // the archetype's own header comment gives way to one about the user's file
    if (header) {
      if (line.startsWith('#') || line.trim() === '') continue;
      header = false;
      out.push(
        '#',
        `# A scenario of your own, started from ${o.archetype}-base (payback init ${o.archetype}). Every value`,
        '# below is the base case\'s, its comment saying where it came from: replace them with yours.',
        `# The base case keeps its description and sources (payback resolve ${o.archetype}-base).`,
        '',
      );
    }
    if (/^id: /.test(line)) {
      out.push(`id: ${o.id}`);
      continue;
    }
    if (/^name: /.test(line)) {
      out.push(`name: ${o.id}   # a name for people`);
      continue;
    }
    if (/^description:/.test(line)) {
      out.push('# description: what this scenario is, in a sentence or two');
      skipBlock = /^\s+\S/;
      continue;
    }
    if (/^sources:/.test(line)) {
      out.push('# sources: [{ label: "where a number comes from", url: "https://…" }]');
      skipBlock = /^\s+\S/;
      continue;
    }
    const m = /^(\s+)(kWPerAccelerator|tokensPerSecond|capexPerAccelerator):\s*([0-9.eE+-]+)\s*(#.*)?$/.exec(line);
    if (m !== null && row !== undefined) {
      const [, indent, key, value, comment] = m as unknown as [string, string, (typeof CATALOG_FIELDS)[number], string, string | undefined];
      if (row[key] !== undefined && Number(value) === row[key]) {
        out.push(`${indent}# ${key}: the catalog's value for ${accelerator} (payback catalog); set it here to override it`);
        continue;
      }
      if (comment !== undefined && /catalog/i.test(comment)) {
        const why = comment.replace(/^#\s*/, '').replace(/catalog\s+[$\d,.]+\s*/i, '').trim();
        out.push(`${indent}${key}: ${value}   # overrides the catalog's ${accelerator}${why === '' ? '' : `: ${why}`}`);
        continue;
      }
    }
    out.push(line.replace(`payback mc ${o.archetype}-base`, 'payback mc <this file>'));
  }
  return out.join('\n');
}
