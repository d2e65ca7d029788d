import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { OPERATORS } from '../../model/schema.ts';
import { didYouMeanSuffix } from '../../model/issues.ts';
import { dataDir } from '../../io/files.ts';
import { type CliIO, InputError } from '../context.ts';

const ARCHETYPES = OPERATORS.filter((o) => o !== 'custom');

export function initCommand(program: Command, io: CliIO): void {
  program
    .command('init')
    .description('print a commented scenario to start from (redirect it to a file and edit)')
    .argument('<archetype>', ARCHETYPES.join(' | '))
    .option('--id <id>', 'the id of the new scenario', '')
    .action((archetype: string, opts: { id: string }) => {
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
    });
}
