import type { Command } from 'commander';
import { builtinScenarioIds } from '../../io/files.ts';
import { ARCHETYPES } from '../commands/init.ts';
import { completionScript, type Shell } from '../completion.ts';
import { type CliIO, json } from '../context.ts';

export function completionAction(io: CliIO, program: Command, shell: Shell, opts: { json?: boolean }): void {
  const script = completionScript(program, shell, builtinScenarioIds(), ARCHETYPES);
  io.out(opts.json ? json({ shell, script }) : script.trimEnd());
}
