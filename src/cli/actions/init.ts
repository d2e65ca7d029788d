import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import { didYouMeanSuffix } from '../../model/issues.ts';
import { dataDir, STDIO, writeFileAtomic } from '../../io/files.ts';
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
  const yamlText = readFileSync(join(dataDir(), 'scenarios', `${name}-base.yaml`), 'utf8')
    .replace(/^# yaml-language-server: \$schema=.*$/m, `# yaml-language-server: $schema=${ref}`)
    .replace(/^id: .*$/m, `id: ${id}   # started from ${name}-base (payback init ${name}); edit any value below`);
  const text = opts.json ? json({ $schema: ref, ...(parse(yamlText) as Record<string, unknown>) }) : yamlText.trimEnd();
  if (out === undefined) {
    io.out(text);
    return;
  }
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileAtomic(out, `${text}\n`);
  io.out(`wrote ${out}`);
}
