import { scenarioJsonSchema } from '../../model/load.ts';
import { type CliIO, json } from '../context.ts';

export function schemaAction(io: CliIO): void {
  io.out(json(scenarioJsonSchema()));
}
