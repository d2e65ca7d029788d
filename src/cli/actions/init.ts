import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { didYouMeanSuffix } from '../../model/issues.ts';
import { dataDir } from '../../io/files.ts';
import { ARCHETYPES } from '../commands/init.ts';
import { type CliIO, InputError } from '../context.ts';

export function initAction(io: CliIO, archetype: string, opts: { id: string }): void {
  const name = archetype.replace(/-base$/, '');
  if (!(ARCHETYPES as readonly string[]).includes(name)) {
    throw new InputError([{ path: 'archetype', message: `unknown archetype "${archetype}"${didYouMeanSuffix(name, ARCHETYPES)}; expected one of ${ARCHETYPES.join(', ')}` }]);
  }
  const id = opts.id || `my-${name}`;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new InputError([{ path: 'id', message: `"${id}" is not an id: use lower-case letters, digits and dashes` }]);
  const schemaPath = resolve(dataDir(), '..', 'schema', 'scenario.schema.json');
  const text = readFileSync(join(dataDir(), 'scenarios', `${name}-base.yaml`), 'utf8')
    .replace(/^# yaml-language-server: \$schema=.*$/m, `# yaml-language-server: $schema=${schemaPath}`)
    .replace(/^id: .*$/m, `id: ${id}   # started from ${name}-base (payback init ${name}); edit any value below`);
  io.out(text.trimEnd());
}
