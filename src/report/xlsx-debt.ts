/**
 * The workbook's Debt sheet (MODEL.md §9): the capital stack as live
 * formulas, one block per tranche and one sub-block per loan (each draw, and
 * the loan a balloon is refinanced into), the year's totals that the Model
 * sheet's debt lines read, the maturity wall, market value and LTV, the
 * covenants and the contract lines. The same equations as `model/capital.ts`,
 * written as formulas on the Inputs' names and the Model's lines; every cell
 * the result holds carries the engine's value as its cached result.
 *
 * What a formula cannot change is fixed at export: the list of tranches, each
 * one's amortization, what it funds and whether it refinances, and which
 * covenants, sweep, market value and build there are (each a re-export).
 */
import type { ModelResult, TrancheResult, TrancheYearField, YearField } from '../model/result.ts';
import type { Scenario, Tranche } from '../model/schema.ts';
import { defaultTrancheId, tranchesOf } from '../model/slots.ts';
import { asCached, type Cached, type CellSpec, checkName, F, FMT_INT, FMT_MONEY, FMT_RATE, type InputSpec, type InputValue, Rows, segName } from './xlsx-lines.ts';

/** A tranche's id as a piece of a defined name: `notes-2030` → `tr_notes_2030`. */
export const trancheName = (id: string): string => `tr_${id.replace(/-/g, '_')}`;

/** The capital stack's input names (MODEL.md §9) that exist in this scenario. */
export interface CapitalNames {
  baseRate: boolean;
  buildMonths: boolean;
  cashSweep: boolean;
  minDscr: boolean;
  maxLtv: boolean;
  decline: boolean;
}

type Add = (path: string, name: string, unit: string, value: InputValue | number[], fmt?: string, extra?: Partial<InputSpec>) => void;

interface TrancheIn {
  tr: Tranche;
  id: string;
  /** the path of its inputs: `finance.debt[<id>]`, or `finance.debt` for a single object */
  path: string;
  name: string;
}

function tranchesIn(s: Scenario): TrancheIn[] {
  const single = s.finance.debt !== undefined && !Array.isArray(s.finance.debt);
  return tranchesOf(s.finance.debt).map((tr, i) => {
    const id = tr.id ?? defaultTrancheId(i);
    return { tr, id, path: single ? 'finance.debt' : `finance.debt[${id}]`, name: trancheName(id) };
  });
}

/**
 * The inputs of the capital stack onto the Inputs sheet: the base rate, each
 * tranche's numbers (its form as a structure row), the covenants, the sweep,
 * the market value's decline and the build.
 */
export function capitalInputs(s: Scenario, add: Add, structure: (path: string, unit: string, value: string, note: string) => void): CapitalNames {
  const T = s.horizon.years;
  const f = s.finance;
  if (f.baseRate !== undefined) {
    const base = f.baseRate;
    add('finance.baseRate', 'baseRate', 'rate per year', Array.from({ length: T }, (_, i) => (typeof base === 'number' ? base : (base[Math.min(i, base.length - 1)] as number))), FMT_RATE);
  }
  for (const { tr, id, path, name } of tranchesIn(s)) {
    structure(`${path}`, 'tranche', id, `structure: amortization ${tr.amortization}, funds ${tr.amount !== undefined ? 'amount at t = 0' : (tr.funds ?? 'every-capex')}${tr.refinance ? `, refinanced ${tr.refinance.amortization ?? tr.amortization}` : ''}; re-export to change`);
    if (tr.share !== undefined) add(`${path}.share`, checkName(`${name}_share`), 'share of the capex it funds', tr.share, FMT_RATE);
    if (tr.amount !== undefined) add(`${path}.amount`, checkName(`${name}_amount`), '$ drawn at t = 0', tr.amount, FMT_MONEY);
    if (tr.rate !== undefined) add(`${path}.rate`, checkName(`${name}_rate`), 'rate per year', tr.rate, FMT_RATE);
    if (tr.spread !== undefined) add(`${path}.spread`, checkName(`${name}_spread`), 'over baseRate, per year', tr.spread, FMT_RATE);
    add(`${path}.termYears`, checkName(`${name}_termYears`), 'years', tr.termYears, FMT_INT);
    if (tr.amortizationYears !== undefined) add(`${path}.amortizationYears`, checkName(`${name}_amortizationYears`), 'years', tr.amortizationYears, FMT_INT);
    if (tr.targetDscr !== undefined) add(`${path}.targetDscr`, checkName(`${name}_targetDscr`), '×', tr.targetDscr, '0.00');
    if (tr.refinance !== undefined) {
      add(`${path}.refinance.termYears`, checkName(`${name}_refiTermYears`), 'years', tr.refinance.termYears, FMT_INT);
      add(`${path}.refinance.spread`, checkName(`${name}_refiSpread`), 'over baseRate, per year', tr.refinance.spread, FMT_RATE);
    }
  }
  if (f.covenants?.minDscr !== undefined) add('finance.covenants.minDscr', 'covMinDscr', '×', f.covenants.minDscr, '0.00');
  if (f.covenants?.maxLtv !== undefined) add('finance.covenants.maxLtv', 'covMaxLtv', 'share of market value', f.covenants.maxLtv, FMT_RATE);
  if (f.cashSweep !== undefined) add('finance.cashSweep', 'cashSweep', 'share of excess equity cash', f.cashSweep, FMT_RATE);
  if (s.fleet.marketValue !== undefined) add('fleet.marketValue.declinePerYear', 'mvDecline', 'per year of age', s.fleet.marketValue.declinePerYear, FMT_RATE);
  if (s.site.buildMonths !== undefined) add('site.buildMonths', 'buildMonths', 'months', s.site.buildMonths, FMT_INT);
  return {
    baseRate: f.baseRate !== undefined,
    buildMonths: s.site.buildMonths !== undefined,
    cashSweep: f.cashSweep !== undefined,
    minDscr: f.covenants?.minDscr !== undefined,
    maxLtv: f.covenants?.maxLtv !== undefined,
    decline: s.fleet.marketValue !== undefined,
  };
}

/** A contract segment's input names (MODEL.md §9). */
export function contractInputs(s: Scenario, add: Add): void {
  for (const seg of s.demand.segments) {
    const c = seg.contract;
    if (c === undefined) continue;
    const p = `demand.segments[${seg.id}].contract`;
    const n = segName(seg.id);
    add(`${p}.termYears`, `${n}_contractTermYears`, 'years', c.termYears, FMT_INT);
    add(`${p}.startYear`, `${n}_contractStartYear`, 'calendar year', c.startYear ?? s.horizon.startYear, FMT_INT);
    add(`${p}.price`, `${n}_contractPrice`, 'in the pricing unit', c.price, FMT_MONEY);
    add(`${p}.escalationPerYear`, `${n}_contractEscalation`, 'rate per year', c.escalationPerYear, FMT_RATE);
    add(`${p}.counterpartyDefaultPerYear`, `${n}_contractDefault`, 'per year', c.counterpartyDefaultPerYear, FMT_RATE);
    add(`${p}.recoveryRate`, `${n}_contractRecovery`, 'share of revenue', c.recoveryRate, FMT_RATE);
  }
}

/** What the Debt sheet needs of the workbook being built. */
export interface DebtContext {
  result: ModelResult;
  names: CapitalNames;
  T: number;
  /** generation blocks on Model */
  G: number;
  own: boolean;
  facility: 'own' | 'lease' | 'none';
  /** the column of year t (same on Model and Debt) */
  col: (t: number) => string;
  /** the `t` of a column (row 2, same on both sheets) */
  tc: (t: number) => string;
  /** a Model cell: `Model!C12` */
  m: (key: string, t: number) => string;
  /** a Model cell, absolute: `Model!$C$12` */
  mAbs: (key: string, t: number) => string;
  /** whether Model has a line */
  mHas: (key: string) => boolean;
  /** the purchase year of generation k as a formula (`k*usefulLifeYears`) */
  kL: (k: number) => string;
}

/** One loan of a tranche: an original draw, or the loan its balloon is refinanced into. */
interface Loan {
  key: string;
  refi: boolean;
  kind: string;
  /** its draw year as a formula */
  at: string;
  /** the loan it refinances (refi loans) */
  of?: Loan;
}

/**
 * The Debt sheet's lines. Keys the Model and Summary read: `total.draws`,
 * `total.interest`, `total.principal`, `total.outstanding`, `total.service`,
 * `idcDep`, `commitmentRate` (t = 0), `interestDuringConstruction` (t = 0),
 * and the §9 year fields by their names.
 */
export function debtLines(ctx: DebtContext): Rows {
  const { result, names, T, G, own, col, tc, m, mAbs, kL } = ctx;
  const s = result.scenario;
  const D = new Rows('Debt');
  const d = (key: string, t: number): string => `${col(t)}${D.r(key)}`;
  const dAbs = (key: string, t = 0): string => `$${col(t)}$${D.r(key)}`;
  const prev = (key: string, t: number): string => d(key, t - 1);
  const row = (key: string, from: number, to: number): string => `${dAbs(key, from)}:${dAbs(key, to)}`;
  const op = (fn: (t: number) => CellSpec) => (t: number): CellSpec => (t === 0 ? null : fn(t));
  const zero0 = (fn: (t: number) => CellSpec) => (t: number): CellSpec => (t === 0 ? 0 : fn(t));
  const sumOf = (keys: readonly string[], t: number): string => (keys.length === 0 ? '0' : keys.map((k) => d(k, t)).join('+'));
  const yearCached = (field: YearField | string) => (t: number): Cached => asCached((result.years[t] as Record<string, number | null> | undefined)?.[field]);
  const base = (t: string): string => (names.baseRate ? `INDEX(baseRate,1,MAX(1,${t}))` : '0');
  const tranches = tranchesIn(s);
  const results = new Map<string, TrancheResult>((result.tranches ?? []).map((x) => [x.id, x]));
  const trCached = (id: string, field: TrancheYearField) => (t: number): Cached => asCached(results.get(id)?.years[t]?.[field]);
  // Model cells are read when the formulas are written, after both sheets are laid out
  const capex0 = (): string => mAbs('capex', 0);
  const idcFactor = names.buildMonths ? 'IF(buildMonths>=1,(buildMonths+1)/24,0)' : '0';

  // the loans of every tranche, in the engine's order: each tranche's draws, then its refinancings
  const loansOf = new Map<string, Loan[]>();
  const sculpted: Loan[] = [];
  const sculptedRefis: { loan: Loan; term: number }[] = [];
  const allLoans: Loan[] = [];
  for (const { tr, id, name } of tranches) {
    const p = `tranche[${id}]`;
    const originals: Loan[] = [];
    const add = (k: number, at: string): void => void originals.push({ key: `${p}.loan${k}`, refi: false, kind: tr.amortization, at });
    if (tr.amount !== undefined || tr.funds === 'initial') add(0, '0');
    else if (tr.funds === undefined || tr.funds === 'every-capex') {
      add(0, '0');
      for (let k = 1; k < G; k++) add(k, kL(k));
    } else {
      const k = Number(tr.funds.slice('generation-'.length));
      if (k < G) add(k, kL(k));
    }
    const refis: Loan[] = tr.refinance === undefined ? [] : originals.map((o) => ({ key: `${o.key}.refi`, refi: true, kind: tr.refinance?.amortization ?? tr.amortization, at: `(${o.at})+${name}_termYears`, of: o }));
    loansOf.set(id, [...originals, ...refis]);
    allLoans.push(...originals, ...refis);
    for (const o of originals) if (o.kind === 'sculpted') sculpted.push(o);
    for (const r of refis) if (r.kind === 'sculpted') sculptedRefis.push({ loan: r, term: tr.termYears });
  }
  // the engine processes sculpted loans in their creation order: the original draws (in tranche order), then the refinancings as they come
  // (a sculpted tranche draws at t = 0 alone, so its refinancing comes at its term: in term order, as exported)
  const sculptedOrder = [...sculpted, ...[...sculptedRefis].sort((a, b) => a.term - b.term).map((x) => x.loan)];
  const trancheOf = new Map<Loan, TrancheIn>();
  for (const ti of tranches) for (const l of loansOf.get(ti.id) ?? []) trancheOf.set(l, ti);

  // ---- rates and draws
  D.section('§9 The base rate and each tranche');
  D.line({ key: 'baseRate', unit: 'share', note: 'MODEL.md §9 the market reference rate of year t (year 1 at t = 0)', at: (t) => F(base(tc(t))) });
  for (const { tr, id, name } of tranches) {
    const p = `tranche[${id}]`;
    D.section(`tranche ${id}: ${tr.amortization}, ${tr.amount !== undefined ? 'an amount at t = 0' : `funds ${tr.funds ?? 'every-capex'}`}${tr.spread !== undefined ? ', floating' : ''}${tr.refinance ? ', refinanced at maturity' : ''}`);
    D.line({
      key: `${p}.rate`,
      unit: 'share',
      note: tr.spread !== undefined ? 'MODEL.md §9 floating: baseRate_t + spread (t = 0: year 1, for the interest during construction)' : 'MODEL.md §9 fixed rate',
      at: (t) => F(tr.spread !== undefined ? `${base(tc(t))}+${name}_spread` : `${name}_rate`),
      cached: trCached(id, 'rate'),
    });
    if (tr.refinance !== undefined) {
      D.line({ key: `${p}.refiRate`, unit: 'share', note: 'MODEL.md §9 a refinancing floats at baseRate_t + refinance.spread', at: (t) => F(`${base(tc(t))}+${name}_refiSpread`) });
    }
  }
  // what share tranches draw at t = 0, before the amount tranches take the rest of the capex there
  const shareAt0 = tranches
    .filter(({ tr }) => tr.amount === undefined && (tr.funds === undefined || tr.funds === 'every-capex' || tr.funds === 'initial' || tr.funds === 'generation-0'))
    .map(({ tr, name }) => () => `${name}_share*${tr.funds === 'generation-0' ? (G > 0 ? mAbs('gen0.capex', 0) : '0') : capex0()}`);
  D.line({
    key: 'amountRoom',
    unit: 'usd',
    note: 'MODEL.md §9 the capex at t = 0 the amount tranches may draw: what the share tranches leave',
    at: (t) => (t === 0 ? F(`${capex0()}${shareAt0.length > 0 ? `-(${shareAt0.map((x) => x()).join('+')})` : ''}`) : null),
  });

  for (const ti of tranches) {
    const { tr, id, name } = ti;
    const p = `tranche[${id}]`;
    const loans = loansOf.get(id) ?? [];
    D.section(`tranche ${id}: its loans`);
    for (const loan of loans) {
      const lk = (f: string): string => `${loan.key}.${f}`;
      const drawnAt = loan.at;
      const j = (t: number): string => `(${tc(t)}-(${drawnAt}))`;
      const n = loan.refi ? `${name}_refiTermYears` : `${name}_termYears`;
      const amortYears = !loan.refi && (loan.kind === 'straight' || loan.kind === 'annuity') && tr.amortizationYears !== undefined;
      const A = amortYears ? `MAX(${name}_termYears,${name}_amortizationYears)` : n;
      const rate = (t: number): string => d(loan.refi ? `${p}.refiRate` : `${p}.rate`, t);
      if (!loan.refi) {
        let draw: (t: number) => string;
        if (tr.amount !== undefined) {
          // amount tranches in list order, each capped at what is left of the capex at t = 0
          const earlier = tranches.slice(0, tranches.indexOf(ti)).filter((x) => x.tr.amount !== undefined);
          draw = (t) => {
            const before = earlier.map((x) => dAbs(`tranche[${x.id}].loan0.draw`, 0));
            return t === 0 ? `MIN(${name}_amount,MAX(0,${dAbs('amountRoom')}${before.length > 0 ? `-(${before.join('+')})` : ''}))` : '0';
          };
        } else if (tr.funds === 'initial' || ((tr.funds === undefined || tr.funds === 'every-capex') && loan.key.endsWith('.loan0'))) {
          draw = (t) => (t === 0 ? `${name}_share*${capex0()}` : '0');
        } else {
          const k = Number(/loan(\d+)$/.exec(loan.key)?.[1] ?? '0');
          draw = (t) => `${name}_share*${m(`gen${k}.capexSpent`, t)}`;
        }
        D.line({ key: lk('draw'), unit: 'usd', note: 'MODEL.md §9 drawn with the capex it funds (a share of it, or an amount at t = 0)', at: (t) => F(draw(t)) });
        D.line({
          key: lk('principal0'),
          unit: 'usd',
          note: 'MODEL.md §9 the loan at its draw: the draw, and at t = 0 the tranche\'s interest during construction',
          at: (t) => (t === 0 ? F(`SUM(${row(lk('draw'), 0, T)})${drawnAt === '0' ? `+${dAbs(`${p}.idc`)}` : ''}`) : null),
        });
      } else {
        // carried year to year from the original's maturity (a sum over the row would refer back to itself)
        const orig = `${(loan.of as Loan).key}.refinanced`;
        D.line({
          key: lk('principal0'),
          unit: 'usd',
          note: 'MODEL.md §9 the balloon it refinances, from the maturity of that loan',
          at: (t) => F(`IF(${tc(t)}=(${drawnAt}),${d(orig, t)},${t === 0 ? '0' : prev(lk('principal0'), t)})`),
        });
      }
      const P0At = (t: number): string => (loan.refi ? d(lk('principal0'), t) : dAbs(lk('principal0')));
      D.line({ key: lk('years'), unit: 'years', note: 'the years it amortizes over (straight and annuity may exceed the term: the rest is a balloon)', at: (t) => (t === 0 ? F(A) : null) });
      const AyRef = (): string => dAbs(lk('years'));
      D.line({ key: lk('open'), unit: 'usd', note: 'balance at the end of t − 1', at: op((t) => F(prev(lk('close'), t))) });
      const open = (t: number): string => d(lk('open'), t);
      const live = (t: number): string => `AND(${j(t)}>=1,${j(t)}<=${n},${open(t)}>0)`;
      let due: (t: number) => string;
      if (loan.kind === 'straight') {
        D.line({ key: lk('swept'), unit: 'flag', note: 'swept in an earlier year: its straight schedule is recomputed on the lower balance', at: op((t) => F(`IF(SUM(${dAbs(lk('sweep'), 0)}:${prev(lk('sweep'), t)})>0,1,0)`)) });
        due = (t) => `IF(${d(lk('swept'), t)}=1,${open(t)}/(${AyRef()}-${j(t)}+1),${P0At(t)}/${AyRef()})`;
      } else if (loan.kind === 'bullet') {
        due = () => '0';
      } else if (loan.kind === 'annuity') {
        due = (t) => {
          const left = `(${AyRef()}-${j(t)}+1)`;
          return `IF(${left}=1,${open(t)},IF(${rate(t)}=0,${open(t)}/${left},${open(t)}*${rate(t)}/((1+${rate(t)})^${left}-1)))`;
        };
      } else {
        // sculpted: what brings total debt service to ebitda / targetDscr, given what the others pay this year
        const before = sculptedOrder.slice(0, sculptedOrder.indexOf(loan)).map((x) => `${x.key}.net`);
        due = (t) => `MIN(MAX(${m('ebitda', t)}/${name}_targetDscr-(${d('total.interest', t)}+${d('nonSculptedNet', t)}${before.length > 0 ? `+${before.map((k) => d(k, t)).join('+')}` : ''}),0),${open(t)})`;
      }
      D.line({ key: lk('due'), unit: 'usd', note: `MODEL.md §9 scheduled principal (${loan.kind})`, at: zero0((t) => F(`IF(${live(t)},${due(t)},0)`)) });
      const leaves = (): string => (loan.kind === 'bullet' || loan.kind === 'sculpted' ? 'TRUE' : amortYears ? `${AyRef()}>${n}` : 'FALSE');
      D.line({
        key: lk('balloon'),
        unit: 'usd',
        note: 'MODEL.md §9 at the term, what is left: a balloon (bullet, sculpted, or amortized over more years than the term)',
        at: zero0((t) => F(leaves() === 'FALSE' ? '0' : `IF(AND(${j(t)}=${n},${open(t)}>0,${leaves()}),${open(t)}-${d(lk('due'), t)},0)`)),
      });
      if (!loan.refi && tr.refinance !== undefined) {
        D.line({ key: lk('refinanced'), unit: 'usd', note: 'MODEL.md §9 the balloon rolls into a new floating loan (refinanced once)', at: zero0((t) => F(d(lk('balloon'), t))) });
      }
      D.line({
        key: lk('net'),
        unit: 'usd',
        note: 'its debt service principal this year: due + balloon − refinanced',
        at: zero0((t) => F(`${d(lk('due'), t)}+${d(lk('balloon'), t)}${!loan.refi && tr.refinance !== undefined ? `-${d(lk('refinanced'), t)}` : ''}`)),
      });
      D.line({
        key: lk('afterSched'),
        unit: 'usd',
        note: 'its balance after the scheduled payments (0 after its term)',
        at: (t) => F(`IF(${tc(t)}<(${drawnAt}),0,IF(${tc(t)}=(${drawnAt}),${P0At(t)},IF(AND(${j(t)}>=1,${j(t)}<=${n}),IF(${j(t)}=${n},0,${d(lk('open'), t)}-${d(lk('due'), t)}),${t === 0 ? '0' : d(lk('open'), t)})))`),
      });
      const q = allLoans.indexOf(loan);
      const before = q > 0 ? (allLoans[q - 1] as Loan) : undefined;
      D.line({
        key: lk('sweepBefore'),
        unit: 'usd',
        note: 'the sweep already taken by the loans before it (tranches in list order, each one\'s loans oldest first)',
        at: (t) => (names.cashSweep && before !== undefined ? F(`${d(`${before.key}.sweepBefore`, t)}+${d(`${before.key}.sweep`, t)}`) : 0),
      });
      D.line({
        key: lk('sweep'),
        unit: 'usd',
        note: 'MODEL.md §9 prepaid from the sweep',
        at: (t) => (names.cashSweep ? F(`MIN(MAX(${d(lk('afterSched'), t)},0),MAX(0,${d('sweepAvailable', t)}-${d(lk('sweepBefore'), t)}))`) : 0),
      });
      D.line({ key: lk('close'), unit: 'usd', note: 'balance at the end of t', at: (t) => F(`${d(lk('afterSched'), t)}-${d(lk('sweep'), t)}`) });
    }
  }

  // ---- each tranche's lines
  for (const { tr, id } of tranches) {
    const p = `tranche[${id}]`;
    const loans = loansOf.get(id) ?? [];
    const originals = loans.filter((l) => !l.refi);
    const refis = loans.filter((l) => l.refi);
    const keys = (ls: Loan[], f: string): string[] => ls.map((l) => `${l.key}.${f}`);
    D.section(`tranche ${id}: by year`);
    D.line({ key: `${p}.draw`, unit: 'usd', note: 'MODEL.md §9 its draws', at: (t) => F(sumOf(keys(originals, 'draw'), t)), cached: trCached(id, 'draw') });
    D.line({
      key: `${p}.idc`,
      unit: 'usd',
      note: 'MODEL.md §9 interest during construction: draw_0 · rate_1 · (buildMonths + 1) / 24 (0 without a build), added to its balance at t = 0',
      at: (t) => (t === 0 ? F(originals.some((l) => l.at === '0') ? `${idcFactor}*${d(`${p}.draw`, 0)}*${d(`${p}.rate`, 0)}` : '0') : null),
    });
    D.line({ key: `${p}.origOut`, unit: 'usd', note: 'its original loans at the end of t', at: (t) => F(sumOf(keys(originals, 'close'), t)) });
    if (tr.refinance !== undefined) D.line({ key: `${p}.refiOut`, unit: 'usd', note: 'its refinancings at the end of t', at: (t) => F(sumOf(keys(refis, 'close'), t)) });
    D.line({
      key: `${p}.interest`,
      unit: 'usd',
      note: 'MODEL.md §9 interest on its balances at the end of t − 1: the rate on the original loans, the refinancing rate on the refinancings',
      at: zero0((t) => F(`${d(`${p}.rate`, t)}*${prev(`${p}.origOut`, t)}${tr.refinance !== undefined ? `+${d(`${p}.refiRate`, t)}*${prev(`${p}.refiOut`, t)}` : ''}`)),
      cached: trCached(id, 'interest'),
    });
    D.line({ key: `${p}.principalDue`, unit: 'usd', note: 'MODEL.md §9 scheduled principal', at: zero0((t) => F(sumOf(keys(loans, 'due'), t))), cached: trCached(id, 'principalDue') });
    D.line({ key: `${p}.balloon`, unit: 'usd', note: 'MODEL.md §9 balloons due', at: zero0((t) => F(sumOf(keys(loans, 'balloon'), t))), cached: trCached(id, 'balloon') });
    D.line({
      key: `${p}.refinanced`,
      unit: 'usd',
      note: 'MODEL.md §9 balloons refinanced',
      at: zero0((t) => F(tr.refinance !== undefined ? sumOf(keys(originals, 'refinanced'), t) : '0')),
      cached: trCached(id, 'refinanced'),
    });
    D.line({ key: `${p}.sweep`, unit: 'usd', note: 'MODEL.md §9 prepaid from the cash sweep', at: zero0((t) => F(sumOf(keys(loans, 'sweep'), t))), cached: trCached(id, 'sweep') });
    D.line({
      key: `${p}.principal`,
      unit: 'usd',
      note: 'MODEL.md §9 principal = due + balloons − refinanced + sweep',
      at: zero0((t) => F(`${d(`${p}.principalDue`, t)}+${d(`${p}.balloon`, t)}-${d(`${p}.refinanced`, t)}+${d(`${p}.sweep`, t)}`)),
      cached: trCached(id, 'principal'),
    });
    D.line({
      key: `${p}.outstanding`,
      unit: 'usd',
      note: 'MODEL.md §9 outstanding at the end of t',
      at: (t) => F(`${d(`${p}.origOut`, t)}${tr.refinance !== undefined ? `+${d(`${p}.refiOut`, t)}` : ''}`),
      cached: trCached(id, 'outstanding'),
    });
  }

  // ---- the year's totals, read by Model
  const tk = (f: string): string[] => tranches.map(({ id }) => `tranche[${id}].${f}`);
  D.section('§9 The year: every tranche');
  D.line({ key: 'total.draws', unit: 'usd', note: 'MODEL.md §9 draws of every tranche', at: (t) => F(sumOf(tk('draw'), t)) });
  D.line({ key: 'total.interest', unit: 'usd', note: 'MODEL.md §9 interest of every tranche', at: zero0((t) => F(sumOf(tk('interest'), t))) });
  D.line({ key: 'principalDue', unit: 'usd', note: 'MODEL.md §9 scheduled principal of every tranche', at: op((t) => F(sumOf(tk('principalDue'), t))), cached: yearCached('principalDue') });
  D.line({ key: 'balloonsDue', unit: 'usd', note: 'MODEL.md §9 balloons due', at: op((t) => F(sumOf(tk('balloon'), t))), cached: yearCached('balloonsDue') });
  D.line({ key: 'refinanced', unit: 'usd', note: 'MODEL.md §9 balloons refinanced', at: op((t) => F(sumOf(tk('refinanced'), t))), cached: yearCached('refinanced') });
  D.line({ key: 'sweep', unit: 'usd', note: 'MODEL.md §9 prepaid from the cash sweep', at: op((t) => F(sumOf(tk('sweep'), t))), cached: yearCached('sweep') });
  D.line({ key: 'total.principal', unit: 'usd', note: 'MODEL.md §9 principal_t = principalDue + balloonsDue − refinanced + sweep', at: zero0((t) => F(`${d('principalDue', t)}+${d('balloonsDue', t)}-${d('refinanced', t)}+${d('sweep', t)}`)) });
  D.line({ key: 'total.outstanding', unit: 'usd', note: 'MODEL.md §9 debt outstanding at the end of t (at t = 0 with the interest during construction)', at: (t) => F(sumOf(tk('outstanding'), t)) });
  D.line({ key: 'total.scheduled', unit: 'usd', note: 'MODEL.md §9 debt service principal: due + balloons − refinanced (the sweep is not debt service)', at: zero0((t) => F(`${d('principalDue', t)}+${d('balloonsDue', t)}-${d('refinanced', t)}`)) });
  D.line({ key: 'total.service', unit: 'usd', note: 'MODEL.md §9 debt service: interest + scheduled principal (what DSCR divides by)', at: zero0((t) => F(`${d('total.interest', t)}+${d('total.scheduled', t)}`)) });
  const nonSculpted = allLoans.filter((l) => l.kind !== 'sculpted').map((l) => `${l.key}.net`);
  D.line({ key: 'nonSculptedNet', unit: 'usd', note: 'the debt service principal of the loans that are not sculpted (what a sculpted loan pays around)', at: zero0((t) => F(sumOf(nonSculpted, t))) });
  D.line({
    key: 'sweepAvailable',
    unit: 'usd',
    note: 'MODEL.md §9 sweep_t = cashSweep · MAX(0, eq_t before the sweep), before T',
    at: (t) =>
      t === 0 || t === T || !names.cashSweep
        ? 0
        : F(`cashSweep*MAX(0,${m('ebitda', t)}-${m('leveredTax', t)}-${m('capex', t)}+${d('total.draws', t)}-${d('total.interest', t)}-${d('total.scheduled', t)}+${m('residual', t)})`),
  });
  D.line({
    key: 'interestDuringConstruction',
    unit: 'usd',
    note: 'MODEL.md §9 Σ draw_0 · rate_1 · (buildMonths + 1) / 24 over the tranches',
    at: (t) => (t === 0 ? F(sumOf(tk('idc'), 0)) : null),
    cached: (t) => (t === 0 ? result.summary.interestDuringConstruction : undefined),
  });
  // levered tax deducts the interest during construction with generation 0 (its depreciation and write-off), pro rata
  const idcFrac = (t: number): string => {
    const gen0 = own && G > 0 ? `IF(${m('gen0.capex', t)}>0,(${m('gen0.depreciation', t)}+${m('gen0.writeOff', t)})/${m('gen0.capex', t)},` : '';
    const fac = ctx.facility === 'own' ? `IF(${mAbs('facility.capex', 0)}>0,${m('facility.depreciation', t)}/${mAbs('facility.capex', 0)},0)` : '0';
    return gen0 === '' ? fac : `${gen0}${fac})`;
  };
  D.line({ key: 'idcDep', unit: 'usd', note: 'MODEL.md §9 the interest during construction levered tax deducts in year t, with generation 0', at: zero0((t) => F(`${dAbs('interestDuringConstruction')}*${idcFrac(t)}`)) });
  // the rate commitments after the horizon are discounted at (§3.6)
  const drawn = (): string[] => tranches.map(({ id }) => `SUM(${row(`tranche[${id}].draw`, 0, T)})`);
  const rate1 = (): string[] => tranches.map(({ id }) => d(`tranche[${id}].rate`, 1 <= T ? 1 : 0));
  D.line({
    key: 'commitmentRate',
    unit: 'share',
    note: 'MODEL.md §3.6 the draw-weighted average of the tranches\' year-1 rates (their plain average when nothing is drawn; wacc without tranches)',
    at: (t) =>
      t !== 0
        ? null
        : F(
            tranches.length === 0
              ? 'wacc'
              : `IF((${drawn().join('+')})>0,(${drawn().map((x, i) => `${x}*${rate1()[i]}`).join('+')})/(${drawn().join('+')}),(${rate1().join('+')})/${tranches.length})`,
          ),
  });

  // ---- the maturity wall, market value, covenants
  D.section('§9 The maturity wall, market value and covenants');
  D.line({ key: 'cashAvailable', unit: 'usd', note: 'MODEL.md §9 cash available = ebitda − levered tax − interest', at: op((t) => F(`${m('ebitda', t)}-${m('leveredTax', t)}-${d('total.interest', t)}`)), cached: yearCached('cashAvailable') });
  D.line({
    key: 'refinancingNeed',
    unit: 'usd',
    note: 'MODEL.md §9 balloons due in years t and t + 1',
    at: op((t) => F(`${d('balloonsDue', t)}${t < T ? `+${d('balloonsDue', t + 1)}` : ''}`)),
    cached: yearCached('refinancingNeed'),
  });
  D.line({
    key: 'refinancingNeedRatio',
    unit: 'ratio',
    note: 'MODEL.md §9 the refinancing need over the cash available in the same two years (blank when there is no cash to set against it)',
    at: op((t) => {
      const cash = `(${d('cashAvailable', t)}${t < T ? `+${d('cashAvailable', t + 1)}` : ''})`;
      return F(`IF(${d('refinancingNeed', t)}=0,0,IF(${cash}>0,${d('refinancingNeed', t)}/${cash},""))`);
    }),
    cached: yearCached('refinancingNeedRatio'),
  });
  D.line({
    key: 'costOfDebt',
    unit: 'share',
    note: 'MODEL.md §9 interest over the debt at the end of t − 1 (blank without debt)',
    at: op((t) => F(`IF(${prev('total.outstanding', t)}=0,"",${d('total.interest', t)}/${prev('total.outstanding', t)})`)),
    cached: yearCached('costOfDebt'),
  });
  if (names.decline) {
    for (let k = 0; k < G; k++) {
      const spendAt = kL(k);
      const retire = kL(k + 1);
      D.line({
        key: `gen${k}.marketValue`,
        unit: 'usd',
        note: `MODEL.md §9 generation ${k} at K_${k} · (1 − declinePerYear)^(t − b_${k}) while held (bought, not yet sold)`,
        at: (t) => F(`IF(${k === 0 ? `${tc(t)}>=${retire}` : `OR(${tc(t)}<${spendAt},${tc(t)}>=${retire})`},0,${m(`gen${k}.capex`, t)}*(1-mvDecline)^(${tc(t)}-(${spendAt})))`),
      });
    }
  }
  D.line({
    key: 'marketValue',
    unit: 'usd',
    note: names.decline ? 'MODEL.md §9 the generations held at market value, plus an owned facility at book value' : 'MODEL.md §9 without fleet.marketValue: the book value',
    at: (t) =>
      F(
        names.decline
          ? [...Array.from({ length: G }, (_, k) => d(`gen${k}.marketValue`, t)), ...(ctx.facility === 'own' ? [m('facility.bookValue', t)] : [])].join('+') || '0'
          : m('bookValue', t),
      ),
    cached: yearCached('marketValue'),
  });
  D.line({
    key: 'marketLtv',
    unit: 'share',
    note: 'MODEL.md §9 debt outstanding / market value (blank when that is 0, or without tranches)',
    at: (t) => F(tranches.length === 0 ? '""' : `IF(${d('marketValue', t)}=0,"",${d('total.outstanding', t)}/${d('marketValue', t)})`),
    cached: yearCached('marketLtv'),
  });

  // ---- contracts
  D.section('§9 Contracts');
  const contractSegs = s.demand.segments.filter((g) => g.contract !== undefined).map((g) => g.id);
  const sk = (f: string): string[] => contractSegs.map((id) => `segments[${id}].${f}`);
  const mSum = (keys: string[], t: number): string => (keys.length === 0 ? '0' : keys.map((k) => m(k, t)).join('+'));
  D.line({ key: 'contractedRevenue', unit: 'usd', note: 'MODEL.md §9 revenue at contract prices (gross of the expected credit loss)', at: op((t) => F(mSum(sk('contractGross'), t))), cached: yearCached('contractedRevenue') });
  D.line({ key: 'expectedCreditLoss', unit: 'usd', note: 'MODEL.md §9 revenue · counterpartyDefaultPerYear · (1 − recoveryRate) while contracted', at: op((t) => F(mSum(sk('contractLoss'), t))), cached: yearCached('expectedCreditLoss') });
  D.line({
    key: 'backlog',
    unit: 'usd',
    note: 'MODEL.md §9 contracted revenue still to come within the horizon, at the end of t',
    at: (t) => (t === T ? 0 : F(`SUM(${d('contractedRevenue', t + 1)}:${d('contractedRevenue', T)})`)),
    cached: yearCached('backlog'),
  });
  D.line({
    key: 'contractedShare',
    unit: 'share',
    note: 'MODEL.md §9 contracted revenue / cash revenue before the expected credit loss (blank without revenue)',
    at: op((t) => F(`IF(${m('revenue', t)}+${d('expectedCreditLoss', t)}=0,"",${d('contractedRevenue', t)}/(${m('revenue', t)}+${d('expectedCreditLoss', t)}))`)),
    cached: yearCached('contractedShare'),
  });
  D.line({ key: 'contractAtRisk', unit: 'usd', note: 'the contracts ending in t: their contract revenue less the same volume at market', at: op((t) => F(mSum(sk('contractAtRisk'), t))) });
  D.line({
    key: 'revenueAtRisk',
    unit: 'usd',
    note: 'MODEL.md §9 contracted revenue of the contracts ending in t + 1 … t + 2, less that volume at market prices',
    at: op((t) => F([t + 1, t + 2].filter((x) => x <= T).map((x) => d('contractAtRisk', x)).join('+') || '0')),
    cached: yearCached('revenueAtRisk'),
  });
  return D;
}
