import type { Command } from 'commander';
import { scenarioJsonSchema } from '../../model/load.ts';
import { type CliIO, json } from '../context.ts';

export function schemaCommand(program: Command, io: CliIO): void {
  program
    .command('schema')
    .description('the JSON Schema of scenario files (editors use it to complete and check them)')
    .action(() => {
      io.out(json(scenarioJsonSchema()));
    });
}
