/** The signal definitions (bundled, so the page can link them to a scenario at once), and number formats by unit. */
import signalsText from '../../data/signals.yaml?raw';
import { parseSignalDefinitions, type SignalDefinition } from '../../src/signals/definitions.ts';
import { count, money, pct, price } from '../../src/report/format.ts';

const parsed = parseSignalDefinitions(signalsText, { file: 'data/signals.yaml' });
export const DEFINITIONS: SignalDefinition[] = parsed.ok ? parsed.definitions : [];

/** A signal's value for people, by its unit. */
export function formatSignal(unit: string, x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  const u = unit.toLowerCase();
  if (u === 'share' || u.startsWith('share') || u === 'rate') return pct(x, 1);
  if (u === 'years') return `${count(x, 1)} y`;
  if (u.startsWith('tokens')) return `${(x / 1e12).toLocaleString('en-US', { maximumFractionDigits: 2 })}T`;
  if (u === '$/mw' || u === '$/mw-year') return money(x, 2);
  if (u.startsWith('$')) return price(x, Math.abs(x) < 1 ? 3 : 2);
  return count(x, 3);
}

/** Today as YYYY-MM-DD in the browser's time zone (the default as-of date). */
export function today(): string {
  const d = new Date();
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}
