/**
 * The rules of MODEL.md §9 that cut across fields, checked on the raw object
 * beside `load.ts`'s own (every problem at once, each with its path), and the
 * defaults the loader fills: a tranche's id (`debt-<n>`) and its funds
 * (`every-capex`).
 */
import type { Scenario } from './schema.ts';
import { defaultTrancheId } from './slots.ts';

/** An issue with its path as segments, placed and worded by the loader. */
export interface CapitalRuleIssue {
  path: PropertyKey[];
  message: string;
  code: string;
}

/** What the catalog says of the scenario's accelerator (to work out the capex at t = 0). */
export interface CatalogValues {
  capexPerAccelerator?: number | undefined;
  kWPerAccelerator?: number | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const money = (x: number): string => `$${Math.round(x).toLocaleString('en-US')}`;
const CONTRACT_KINDS = ['capacity-contract', 'paid-api'];

/**
 * §9's rules: a tranche has a share or an amount and a rate or a spread (not
 * both); a spread or a refinancing needs `finance.baseRate`; a sculpted
 * tranche needs `targetDscr` and funds the capex at t = 0 alone; the shares
 * funding one capex event sum to at most 1 and the debt drawn at t = 0 is at
 * most the capex there; covenants and a sweep need debt; contracts sit on
 * capacity-contract or paid-api segments priced per token or per hour.
 */
export function capitalRules(raw: Record<string, unknown>, catalog: CatalogValues): { errors: CapitalRuleIssue[]; warnings: CapitalRuleIssue[] } {
  const errors: CapitalRuleIssue[] = [];
  const warnings: CapitalRuleIssue[] = [];
  const err = (path: PropertyKey[], message: string, code: string): void => void errors.push({ path, message, code });
  const warn = (path: PropertyKey[], message: string, code: string): void => void warnings.push({ path, message, code });
  const finance = isRecord(raw['finance']) ? raw['finance'] : {};
  const debt = finance['debt'];
  const hasBase = finance['baseRate'] !== undefined;
  const horizon = isRecord(raw['horizon']) ? raw['horizon'] : {};
  const T = Number.isInteger(horizon['years']) ? (horizon['years'] as number) : undefined;
  const startYear = Number.isInteger(horizon['startYear']) ? (horizon['startYear'] as number) : undefined;
  const fleet = isRecord(raw['fleet']) ? raw['fleet'] : {};
  const site = isRecord(raw['site']) ? raw['site'] : {};
  const L = Number.isInteger(fleet['usefulLifeYears']) && (fleet['usefulLifeYears'] as number) >= 1 ? (fleet['usefulLifeYears'] as number) : undefined;
  const own = fleet['mode'] === 'own';
  const generations = own && T !== undefined && L !== undefined ? (fleet['refresh'] === false ? 1 : Math.floor((T - 1) / L) + 1) : undefined;

  if (debt === undefined) {
    if (finance['covenants'] !== undefined) err(['finance', 'covenants'], 'covenants need debt: this scenario has no finance.debt', 'needs_debt');
    if (finance['cashSweep'] !== undefined) err(['finance', 'cashSweep'], 'a cash sweep prepays debt: this scenario has no finance.debt', 'needs_debt');
  }
  if (isRecord(finance['covenants']) && finance['covenants']['minDscr'] === undefined && finance['covenants']['maxLtv'] === undefined) {
    err(['finance', 'covenants'], 'give minDscr, maxLtv or both', 'required');
  }

  const floats: boolean[] = [];
  if (Array.isArray(debt)) {
    const seen = new Map<string, number>();
    // shares by what they fund: every capex event, the capex at t = 0, each generation
    let every = 0;
    let initial = 0;
    const byGeneration = new Map<number, number>();
    const names = { every: [] as string[], initial: [] as string[], gen: new Map<number, string[]>() };
    let amounts = 0;
    debt.forEach((tr: unknown, i: number) => {
      if (!isRecord(tr)) return;
      const at = (...rest: PropertyKey[]): PropertyKey[] => ['finance', 'debt', i, ...rest];
      const id = typeof tr['id'] === 'string' ? tr['id'] : defaultTrancheId(i);
      const first = seen.get(id);
      if (first === undefined) seen.set(id, i);
      else err(at('id'), `duplicate tranche id "${id}" (also finance.debt[${first}])`, 'duplicate_id');
      const hasShare = tr['share'] !== undefined;
      const hasAmount = tr['amount'] !== undefined;
      if (hasShare && hasAmount) err(at('amount'), 'give share or amount, not both: a tranche draws a share of the capex it funds, or a fixed amount at t = 0', 'share_or_amount');
      if (!hasShare && !hasAmount) err(at(), 'missing share or amount: a tranche draws a share of the capex it funds (share) or a fixed amount at t = 0 (amount)', 'share_or_amount');
      if (hasAmount && tr['funds'] !== undefined) err(at('funds'), 'an amount tranche draws at t = 0: funds applies to share tranches', 'funds_with_amount');
      const hasRate = tr['rate'] !== undefined;
      const hasSpread = tr['spread'] !== undefined;
      if (hasRate && hasSpread) err(at('spread'), 'give rate (fixed) or spread (floating over finance.baseRate), not both', 'rate_or_spread');
      if (!hasRate && !hasSpread) err(at(), 'missing rate or spread: a tranche pays a fixed rate, or a spread over finance.baseRate', 'rate_or_spread');
      if (hasSpread && !hasBase) err(at('spread'), 'a floating tranche pays finance.baseRate + spread, and finance has no baseRate: give finance.baseRate (the market reference rate, a Series by operating year)', 'needs_base_rate');
      if (tr['refinance'] !== undefined && !hasBase) {
        err(at('refinance'), 'a refinancing floats at finance.baseRate + refinance.spread, and finance has no baseRate: give finance.baseRate (the market reference rate, a Series by operating year)', 'needs_base_rate');
      }
      floats.push(hasSpread || tr['refinance'] !== undefined);
      const amortization = tr['amortization'] ?? 'straight';
      const term = isNum(tr['termYears']) ? tr['termYears'] : undefined;
      const funds = typeof tr['funds'] === 'string' ? tr['funds'] : 'every-capex';
      if (amortization === 'sculpted') {
        if (tr['targetDscr'] === undefined) err(at('amortization'), 'a sculpted tranche repays what brings debt service to ebitda / targetDscr: give targetDscr (e.g. 1.3)', 'needs_target_dscr');
        if (!hasAmount && funds !== 'initial') {
          err(at('funds'), `a sculpted tranche funds the capex at t = 0 alone: give funds: initial or an amount, got ${hasShare ? `funds: ${funds}` : 'no funds'}`, 'sculpted_funds');
        }
      } else if (tr['targetDscr'] !== undefined) {
        warn(at('targetDscr'), `ignored: targetDscr applies to a sculpted tranche, and this one is ${String(amortization)}`, 'ignored_field');
      }
      const amortYears = tr['amortizationYears'];
      if (amortYears !== undefined) {
        if (amortization !== 'straight' && amortization !== 'annuity') warn(at('amortizationYears'), `ignored: amortizationYears applies to a straight or annuity tranche, and this one is ${String(amortization)}`, 'ignored_field');
        else if (isNum(amortYears) && term !== undefined && amortYears < term) err(at('amortizationYears'), `amortizationYears (${amortYears}) is at least termYears (${term}): the balance at the term is a balloon`, 'amortization_years');
      }
      const leavesBalloon = amortization === 'bullet' || amortization === 'sculpted' || (isNum(amortYears) && term !== undefined && amortYears > term);
      if (tr['refinance'] !== undefined && !leavesBalloon) {
        warn(at('refinance'), `a ${String(amortization)} tranche that amortizes over its term leaves no balloon: there is nothing to refinance (give amortizationYears > termYears, or amortization: bullet)`, 'nothing_to_refinance');
      }
      const share = isNum(tr['share']) ? tr['share'] : 0;
      if (hasAmount && isNum(tr['amount'])) amounts += tr['amount'];
      if (!hasShare || hasAmount) return;
      if (funds === 'every-capex') {
        every += share;
        names.every.push(id);
      } else if (funds === 'initial') {
        initial += share;
        names.initial.push(id);
      } else if (/^generation-\d+$/.test(funds)) {
        const k = Number(funds.slice('generation-'.length));
        byGeneration.set(k, (byGeneration.get(k) ?? 0) + share);
        names.gen.set(k, [...(names.gen.get(k) ?? []), id]);
        if (generations !== undefined && k >= generations) {
          warn(at('funds'), `generation ${k} is never bought within the horizon (${generations} generation${generations === 1 ? '' : 's'}): this tranche draws nothing`, 'funds_nothing');
        }
      }
    });
    // the shares funding one capex event: every-capex, plus initial at t = 0, plus the generation's own
    const events = new Set<number>([0, ...byGeneration.keys()]);
    for (const k of [...events].sort((a, b) => a - b)) {
      const sum = every + (k === 0 ? initial : 0) + (byGeneration.get(k) ?? 0);
      if (sum > 1 + 1e-9) {
        const who = [...names.every, ...(k === 0 ? names.initial : []), ...(names.gen.get(k) ?? [])];
        err(['finance', 'debt'], `the shares funding ${k === 0 ? 'the capex at t = 0' : `generation ${k}`} sum to ${Number(sum.toPrecision(6))} (${who.join(', ')}), expected at most 1: debt cannot fund more than the capex`, 'share_sum');
      }
    }
    // the debt drawn at t = 0 is at most the capex there
    const capex0 = capexAtBuild(raw, catalog);
    if (amounts > 0 && capex0 !== undefined) {
      const gen0 = capex0.it;
      const shares = (every + initial) * (gen0 + capex0.facility) + (byGeneration.get(0) ?? 0) * gen0;
      const total = gen0 + capex0.facility;
      if (amounts + shares > total * (1 + 1e-9)) {
        err(
          ['finance', 'debt'],
          `the tranches draw ${money(amounts + shares)} at t = 0 (amounts ${money(amounts)}${shares > 0 ? ` and shares of the capex ${money(shares)}` : ''}) against capex there of ${money(total)}: debt cannot fund more than the capex`,
          'amount_sum',
        );
      }
    }
  }
  if (hasBase && Array.isArray(debt) && !floats.some(Boolean)) {
    warn(['finance', 'baseRate'], 'not used: no tranche floats (spread) or refinances', 'ignored_field');
  }
  if (!own && site['buildMonths'] !== undefined && site['buildMonths'] !== 0) {
    warn(['site', 'buildMonths'], 'ignored: a rented fleet has no capex at t = 0 to build', 'ignored_field');
  }
  if (!own && fleet['marketValue'] !== undefined) warn(['fleet', 'marketValue'], 'ignored: a rented fleet owns no hardware', 'ignored_field');

  // contracts
  const demand = isRecord(raw['demand']) ? raw['demand'] : {};
  const segments = Array.isArray(demand['segments']) ? (demand['segments'] as unknown[]) : [];
  segments.forEach((seg, i) => {
    if (!isRecord(seg) || seg['contract'] === undefined) return;
    const at = (...rest: PropertyKey[]): PropertyKey[] => ['demand', 'segments', i, 'contract', ...rest];
    if (typeof seg['kind'] === 'string' && !CONTRACT_KINDS.includes(seg['kind'])) {
      err(at(), `a contract sits on a capacity-contract or paid-api segment, and this one is ${seg['kind']}`, 'contract_kind');
    }
    const pricing = seg['pricing'];
    if (!isRecord(pricing) || !('perMTok' in pricing || 'perAcceleratorHour' in pricing)) {
      err(at(), 'a contract price is in the segment\'s pricing unit: the segment prices per million tokens (perMTok) or per accelerator-hour (perAcceleratorHour)', 'contract_pricing');
    }
    const c = seg['contract'];
    if (!isRecord(c) || T === undefined || startYear === undefined) return;
    const start = isNum(c['startYear']) ? c['startYear'] : startYear;
    const term = isNum(c['termYears']) ? c['termYears'] : undefined;
    if (term !== undefined && start + term - 1 < startYear) warn(at('startYear'), `the contract ends in ${start + term - 1}, before the horizon starts (${startYear}): it changes nothing`, 'contract_outside');
    if (start > startYear + T - 1) warn(at('startYear'), `the contract starts in ${start}, after the horizon ends (${startYear + T - 1}): it changes nothing`, 'contract_outside');
  });
  return { errors, warnings };
}

/** The capex at t = 0 of a raw scenario (IT generation 0 and an owned facility), or undefined when it is not readable. */
function capexAtBuild(raw: Record<string, unknown>, catalog: CatalogValues): { it: number; facility: number } | undefined {
  const site = isRecord(raw['site']) ? raw['site'] : {};
  const fleet = isRecord(raw['fleet']) ? raw['fleet'] : {};
  const facility = isRecord(site['facility']) ? site['facility'] : {};
  const itMW = site['itMW'];
  const kW = fleet['kWPerAccelerator'] ?? catalog.kWPerAccelerator;
  const capex = fleet['capexPerAccelerator'] ?? catalog.capexPerAccelerator;
  if (!isNum(itMW)) return undefined;
  let it = 0;
  if (fleet['mode'] === 'own') {
    if (!isNum(kW) || !isNum(capex) || kW <= 0) return undefined;
    it = ((itMW * 1000) / kW) * capex;
  }
  const fac = facility['mode'] === 'own' && isNum(facility['capexPerMW']) ? facility['capexPerMW'] * itMW : 0;
  return { it, facility: fac };
}

/** The defaults of §9 a resolved scenario carries: each tranche's id (`debt-<n>`) and a share tranche's funds (`every-capex`). */
export function fillCapital(s: Scenario): void {
  const debt = s.finance.debt;
  if (!Array.isArray(debt)) return;
  debt.forEach((tr, i) => {
    tr.id ??= defaultTrancheId(i);
    if (tr.amount === undefined) tr.funds ??= 'every-capex';
  });
}
