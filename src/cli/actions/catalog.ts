import Table from 'cli-table3';
import { loadCatalog } from '../../io/files.ts';
import { count, price } from '../../report/format.ts';
import { type CliIO, json } from '../context.ts';

export function catalogAction(io: CliIO, opts: { json?: boolean }): void {
  const catalog = loadCatalog();
  if (opts.json) {
    io.out(json(catalog));
    return;
  }
  const t = new Table({
    head: ['id', 'name', 'kW / accel.', 'capex / accel.', 'tokens/s', 'conf.'],
    style: { head: [], border: [] },
    colAligns: ['left', 'left', 'right', 'right', 'right', 'left'],
  });
  for (const a of catalog.accelerators) {
    t.push([a.id, a.name, a.kWPerAccelerator.toFixed(2), price(a.capexPerAccelerator, 0), count(a.tokensPerSecond), a.confidence ?? '']);
  }
  io.out(t.toString());
  io.out('\nSources:');
  for (const a of catalog.accelerators) io.out(`  ${a.id}: ${a.source}`);
}
