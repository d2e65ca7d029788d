import { scenarioJsonSchema } from '../../model/load.ts';
import { portfolioJsonSchema } from '../../model/portfolio-schema.ts';
import { type CliIO, json } from '../context.ts';

export function schemaAction(io: CliIO, opts: { portfolio?: boolean } = {}): void {
  io.out(json(opts.portfolio === true ? portfolioJsonSchema(scenarioJsonSchema()) : scenarioJsonSchema()));
}
