// dist/shipped-data.json: the shipped YAML (built-in scenarios and portfolios, the catalog) parsed
// once at build time by the compiled loader, so a command reads JSON instead of running the YAML
// reader and zod at every start (src/io/files.ts uses an entry only for a text with the same hash:
// data/ stays the source of truth). Only what parses with no issue and survives JSON unchanged.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const sha1 = (text) => createHash('sha1').update(text).digest('hex');
const survivesJson = (v) => isDeepStrictEqual(JSON.parse(JSON.stringify(v)), v);

/** Write dist/shipped-data.json of the project at `root` (dist/ compiled already). */
export async function writeShippedData(root) {
  const { parseYamlText, parseCatalogText } = await import(pathToFileURL(join(root, 'dist', 'model', 'load.js')).href);
  const data = join(root, 'data');
  const texts = {};
  for (const dir of ['scenarios', 'portfolios']) {
    for (const name of readdirSync(join(data, dir)).sort()) {
      if (!/\.ya?ml$/.test(name)) continue;
      const text = readFileSync(join(data, dir, name), 'utf8');
      const { value, issues } = parseYamlText(text);
      if (issues.length === 0 && survivesJson(value)) texts[`${dir}/${name}`] = { sha1: sha1(text), value };
    }
  }
  const out = { texts };
  const catalogText = readFileSync(join(data, 'catalog', 'accelerators.yaml'), 'utf8');
  const c = parseCatalogText(catalogText);
  if (c.ok && survivesJson(c.catalog)) out.catalog = { sha1: sha1(catalogText), catalog: c.catalog };
  writeFileSync(join(root, 'dist', 'shipped-data.json'), JSON.stringify(out));
}
