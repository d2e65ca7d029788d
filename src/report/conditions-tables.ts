/** Terminal renderings of the eight conditions and the design point: the shared rows and sentences, in tables. */
import Table from 'cli-table3';
import type { ConditionsReport } from '../analysis/conditions.ts';
import type { DesignPointReport } from '../analysis/design-point.ts';
import { CONDITION_HEAD, conditionInputLines, conditionRows, conditionSentences, DESIGN_POINT_HEAD, designPointRows, designPointSentences } from './conditions-format.ts';

const plain = { head: [] as string[], border: [] as string[] };
const compact = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

function table(head: string[], rows: string[][], leftColumns = 1): string {
  const t = new Table({ head, style: plain, chars: compact, colAligns: head.map((_, i) => (i < leftColumns ? 'left' : 'right')) });
  for (const r of rows) t.push(r);
  return t.toString();
}

/** The conditions table, the joint figures and each condition's inputs. */
export function conditionsTable(c: ConditionsReport, origin: string): string {
  return [
    `What has to work at the same time — ${c.scenario.name}`,
    origin,
    table(CONDITION_HEAD, conditionRows(c), 2),
    ...conditionSentences(c),
    'Inputs (↑ more is better, ↓ less is better; a condition fails with each at its low end):',
    ...conditionInputLines(c).map((l) => `  ${l}`),
  ].join('\n');
}

/** The design point: the sentences and the inputs, the most important first. */
export function designPointTable(d: DesignPointReport, origin: string): string {
  const [first, ...rest] = designPointSentences(d);
  return [`Design point — ${d.scenario.name}`, origin, first ?? '', table(DESIGN_POINT_HEAD, designPointRows(d)), ...rest].join('\n');
}
