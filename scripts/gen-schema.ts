/**
 * Writes `schema/scenario.schema.json` and `schema/portfolio.schema.json`, the JSON Schemas of scenario and portfolio files, from
 * the zod schema (`npx tsx scripts/gen-schema.ts`). A test checks it is up to date.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/io/files.ts';
import { scenarioJsonSchema } from '../src/model/load.ts';
import { portfolioJsonSchema } from '../src/model/portfolio-schema.ts';

const out = fileURLToPath(new URL('../schema/scenario.schema.json', import.meta.url));
mkdirSync(dirname(out), { recursive: true });
writeFileAtomic(out, `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
console.log(`wrote ${out}`);
// portfolio files (MODEL.md §8), the scenario schema inside them for inline vintages
const portfolioOut = fileURLToPath(new URL('../schema/portfolio.schema.json', import.meta.url));
writeFileAtomic(portfolioOut, `${JSON.stringify(portfolioJsonSchema(scenarioJsonSchema()), null, 2)}\n`);
console.log(`wrote ${portfolioOut}`);
