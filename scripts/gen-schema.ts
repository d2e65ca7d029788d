/**
 * Writes `schema/scenario.schema.json`, the JSON Schema of scenario files, from
 * the zod schema (`npx tsx scripts/gen-schema.ts`). A test checks it is up to date.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/io/files.ts';
import { scenarioJsonSchema } from '../src/model/load.ts';

const out = fileURLToPath(new URL('../schema/scenario.schema.json', import.meta.url));
mkdirSync(dirname(out), { recursive: true });
writeFileAtomic(out, `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
console.log(`wrote ${out}`);
