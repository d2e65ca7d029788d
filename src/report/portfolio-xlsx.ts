/**
 * The spreadsheet of a portfolio (MODEL.md §8): its consolidation, revenue gap
 * and depreciation wall as live formulas an analyst can audit and change.
 *
 * - `Inputs`: the portfolio's wacc, tax rate and end-user margin, named cells.
 * - `Vintages`: each vintage's yearly lines on the calendar as the engine
 *   computed them (each vintage is a scenario: `payback export` of its file
 *   gives its own live model), and its capital charge as a formula of the
 *   portfolio's wacc.
 * - `Portfolio`: every consolidated line a SUMIF over the vintages, the
 *   ratios from the sums, the required revenue, the gap, the wall, the flows.
 * - `Summary`: npv, irr, payback, peak funding and the largest gap.
 * - `Charts`: installed MW by vintage (stacked), revenue against required
 *   revenue, the depreciation wall, utilization by vintage — native charts on
 *   the Portfolio and Vintages ranges, so they follow the formulas.
 *
 * Every formula cell carries the engine's value as its cached result; nothing
 * is recomputed here. The workbook asks the spreadsheet to recalculate on load.
 */
import ExcelJS from 'exceljs';
import { type PortfolioResult, type PortfolioYearRow, type RevenueGapRow, type VintageDebtField, type VintageResult, portfolioHasCapital } from '../model/portfolio.ts';
import type { YearField, YearRow } from '../model/result.ts';
import { VERSION } from '../version.ts';
import { COLORS } from './charts.ts';

type Cached = number | string | null | undefined;

const FMT = {
  usd: '$#,##0;[Red]-$#,##0',
  mw: '#,##0.0',
  share: '0.0%',
  sci: '0.000E+00',
  num: '#,##0.####',
  years: '0.00',
  int: '0',
} as const;

const INPUT_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } };
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
const SECTION_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };

function colName(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** The lines of each vintage on `Vintages`, from its rows (the engine's values), and how they add up. */
const VINTAGE_LINES: { key: string; field: YearField | 'installedMW' | 'servedCompute'; fmt: string; note: string }[] = [
  { key: 'installedMW', field: 'installedMW', fmt: FMT.mw, note: 'its IT MW in each of its operating years' },
  { key: 'accelerators', field: 'accelerators', fmt: FMT.num, note: 'accelerators in service' },
  { key: 'capacityTokens', field: 'capacityTokens', fmt: FMT.sci, note: 'capacity in compute units' },
  { key: 'servedCompute', field: 'servedCompute', fmt: FMT.sci, note: 'compute served = utilization × capacity' },
  { key: 'utilization', field: 'utilization', fmt: FMT.share, note: 'its utilization (under a shared market: what the market gave it)' },
  { key: 'tokens', field: 'tokens', fmt: FMT.sci, note: 'tokens served' },
  { key: 'billedTokens', field: 'billedTokens', fmt: FMT.sci, note: 'billed tokens of its cash segments' },
  { key: 'revenue', field: 'revenue', fmt: FMT.usd, note: 'cash revenue' },
  { key: 'strategicValue', field: 'strategicValue', fmt: FMT.usd, note: 'strategic value (not cash)' },
  { key: 'power', field: 'power', fmt: FMT.usd, note: 'power' },
  { key: 'lease', field: 'lease', fmt: FMT.usd, note: 'facility lease' },
  { key: 'rent', field: 'rent', fmt: FMT.usd, note: 'compute rent' },
  { key: 'maintenance', field: 'maintenance', fmt: FMT.usd, note: 'maintenance' },
  { key: 'fixedOpex', field: 'fixedOpex', fmt: FMT.usd, note: 'fixed opex' },
  { key: 'otherCost', field: 'otherCost', fmt: FMT.usd, note: 'per-token cost' },
  { key: 'depreciation', field: 'depreciation', fmt: FMT.usd, note: 'IT and facility depreciation' },
  { key: 'writeOff', field: 'writeOff', fmt: FMT.usd, note: 'write-off at retirement' },
  { key: 'cogs', field: 'cogs', fmt: FMT.usd, note: 'cost of revenue' },
  { key: 'ebitda', field: 'ebitda', fmt: FMT.usd, note: 'EBITDA' },
  { key: 'tax', field: 'tax', fmt: FMT.usd, note: 'tax (its own loss pool)' },
  { key: 'capex', field: 'capex', fmt: FMT.usd, note: 'capex (its build at t = 0 in buildYear − 1, and its refreshes)' },
  { key: 'residual', field: 'residual', fmt: FMT.usd, note: 'residual proceeds' },
  { key: 'terminalValue', field: 'terminalValue', fmt: FMT.usd, note: 'terminal value at its horizon' },
  { key: 'commitmentsAfterHorizon', field: 'commitmentsAfterHorizon', fmt: FMT.usd, note: 'commitments owed at its horizon' },
  { key: 'fcf', field: 'fcf', fmt: FMT.usd, note: 'free cash flow' },
  { key: 'draws', field: 'draws', fmt: FMT.usd, note: 'debt drawn' },
  { key: 'interest', field: 'interest', fmt: FMT.usd, note: 'interest' },
  { key: 'principal', field: 'principal', fmt: FMT.usd, note: 'scheduled principal' },
  { key: 'debtOutstanding', field: 'debtOutstanding', fmt: FMT.usd, note: 'debt outstanding at the end of the year' },
  { key: 'equityCashFlow', field: 'equityCashFlow', fmt: FMT.usd, note: 'equity cash flow' },
];

/** MODEL.md §9: a vintage's debt and contract lines as the consolidated ones add them up (`VintageResult.debt`), when a vintage has a capital stack. */
const VINTAGE_DEBT_LINES: { key: VintageDebtField; fmt: string; note: string }[] = [
  { key: 'debtService', fmt: FMT.usd, note: 'debt service: interest + principal due + balloons − refinanced (a sweep is not debt service)' },
  { key: 'principalDue', fmt: FMT.usd, note: 'scheduled principal (a single straight debt: its principal)' },
  { key: 'balloonsDue', fmt: FMT.usd, note: 'balloons at maturity (a single bullet debt: its repayment)' },
  { key: 'refinanced', fmt: FMT.usd, note: 'balloons rolled into a new loan' },
  { key: 'sweep', fmt: FMT.usd, note: 'cash swept to prepay debt' },
  { key: 'cashAvailable', fmt: FMT.usd, note: 'cash available: ebitda − levered tax − interest' },
  { key: 'openingDebt', fmt: FMT.usd, note: 'debt at the end of the year before, on which the year\'s interest is paid' },
  { key: 'marketValue', fmt: FMT.usd, note: 'market value of its assets at the end of the year (the collateral of market LTV)' },
  { key: 'contractedRevenue', fmt: FMT.usd, note: 'revenue under contract, before credit losses' },
  { key: 'expectedCreditLoss', fmt: FMT.usd, note: 'expected credit loss on its contracts' },
  { key: 'contractsEnding', fmt: FMT.usd, note: 'contracts ending in the year: contract minus market revenue' },
  { key: 'backlog', fmt: FMT.usd, note: 'contracted revenue still to come at the end of the year' },
];

/** The value of a vintage's line in its year row (`installedMW`, `servedCompute` from it). */
function vintageValue(v: VintageResult, row: YearRow, field: (typeof VINTAGE_LINES)[number]['field']): number | null {
  if (field === 'installedMW') return row.t === 0 ? null : v.itMW;
  if (field === 'servedCompute') return row.t === 0 ? null : (row.utilization ?? 0) * (row.capacityTokens ?? 0);
  return row[field];
}

interface Built {
  workbook: ExcelJS.Workbook;
  /** the native charts to add to the `Charts` sheet once the file is written (`withPortfolioCharts`) */
  charts: ChartSpec[];
}

/**
 * The workbook of a portfolio's result, and the charts to add to it (exceljs
 * writes no charts: `portfolioXlsx` adds them to the file).
 *
 * @example
 * const bytes = await portfolioXlsx(evaluatePortfolio(p));
 */
export function buildPortfolioWorkbook(result: PortfolioResult): Built {
  const p = result.portfolio;
  const Y = p.years;
  const wb = new ExcelJS.Workbook();
  wb.creator = `inference-payback ${VERSION}`;
  wb.calcProperties.fullCalcOnLoad = true;
  const gapByYear = new Map<number, RevenueGapRow>(result.revenueGap.map((g) => [g.year, g]));
  const yearOf = (c: number): number => p.startYear - 1 + c;

  // ---- Inputs
  const wsIn = wb.addWorksheet('Inputs', { views: [{ state: 'frozen', ySplit: 1 }] });
  wsIn.columns = [{ header: 'path (MODEL.md §8)', width: 34 }, { header: 'name', width: 20 }, { header: 'unit', width: 16 }, { header: 'value', width: 16 }, { header: 'what it moves', width: 90 }];
  styleHeader(wsIn.getRow(1));
  const input = (r: number, path: string, name: string, unit: string, value: number, what: string, fmt: string): void => {
    const row = wsIn.getRow(r);
    row.values = [path, name, unit, value, what];
    const c = row.getCell(4);
    c.numFmt = fmt;
    c.fill = INPUT_FILL;
    wb.definedNames.add(`Inputs!$D$${r}`, name);
  };
  input(2, 'finance.wacc', 'p_wacc', 'rate', p.finance.wacc, 'discounts the consolidated flows (t = 0 in startYear − 1) and sets the capital charge K · crf(wacc, L) of the revenue gap', FMT.share);
  input(3, 'finance.taxRate', 'p_taxRate', 'share', p.finance.taxRate, 'τ of the required revenue: cash cost + (capital charge − τ · depreciation) / (1 − τ)', FMT.share);
  const margin = p.gap?.endUserMargin;
  if (margin !== undefined) input(4, 'gap.endUserMargin', 'p_endUserMargin', 'share', margin, 'the end user\'s margin: required end-user revenue = required / (1 − margin)', FMT.share);
  let rIn = 6;
  wsIn.getCell(rIn++, 1).value = `Portfolio ${p.id}${p.name !== undefined ? ` — ${p.name}` : ''}: ${p.vintages.length} vintages, ${p.startYear}–${p.startYear + Y - 1}${p.demand !== undefined ? ', one shared market' : ''}`;
  wsIn.getCell(rIn++, 1).value = 'Yellow cells are inputs: change them and Vintages (capital charge), Portfolio and Summary recompute. The vintages\' lines are the engine\'s: change a vintage in its file and re-export.';
  rIn++;
  wsIn.getCell(rIn++, 1).value = 'Sources';
  wsIn.getCell(rIn - 1, 1).font = { bold: true };
  for (const s of p.sources ?? []) {
    wsIn.getCell(rIn, 1).value = s.label;
    if (s.url !== undefined) wsIn.getCell(rIn, 5).value = s.url;
    rIn++;
  }

  // ---- Vintages: one block of lines per vintage, calendar columns from D (t = 0)
  const V_FIRST = 4;
  const wsV = wb.addWorksheet('Vintages', { views: [{ state: 'frozen', xSplit: 3, ySplit: 2 }] });
  wsV.getColumn(1).width = 12;
  wsV.getColumn(2).width = 24;
  wsV.getColumn(3).width = 40;
  const hv = wsV.getRow(1);
  hv.values = ['vintage', 'line', 'what', ...Array.from({ length: Y + 1 }, (_, c) => (c === 0 ? `${yearOf(0)} (t=0)` : String(yearOf(c))))];
  styleHeader(hv);
  const tv = wsV.getRow(2);
  tv.values = ['', 't', 'calendar index from startYear − 1', ...Array.from({ length: Y + 1 }, (_, c) => c)];
  for (let c = 0; c <= Y; c++) wsV.getColumn(V_FIRST + c).width = 14;
  let rv = 3;
  const vCol = (c: number): string => colName(V_FIRST + c);
  /** rows of each vintage's lines on Vintages, for the charts */
  const vintageRows = new Map<string, Map<string, number>>();
  for (const v of result.vintages) {
    const off = v.buildYear - p.startYear;
    const rows = new Map<string, number>();
    vintageRows.set(v.id, rows);
    const sect = wsV.getRow(rv++);
    sect.getCell(1).value = v.id;
    sect.getCell(2).value = `built ${v.buildYear}, ${v.template}, ${Math.round(v.itMW).toLocaleString('en-US')} MW`;
    for (let c = 1; c <= V_FIRST + Y; c++) sect.getCell(c).fill = SECTION_FILL;
    sect.font = { bold: true };
    for (const line of VINTAGE_LINES) {
      const row = wsV.getRow(rv);
      row.values = [v.id, line.key, line.note];
      for (const y of v.years) {
        const value = vintageValue(v, y, line.field);
        if (value === null) continue;
        const cell = row.getCell(V_FIRST + off + y.t);
        cell.value = value;
        cell.numFmt = line.fmt;
      }
      rows.set(line.key, rv);
      rv++;
    }
    // MODEL.md §9: its debt and contract lines, as the consolidated ones add them up
    if (v.debt !== undefined) {
      for (const line of VINTAGE_DEBT_LINES) {
        const row = wsV.getRow(rv);
        row.values = [v.id, line.key, line.note];
        for (const y of v.years) {
          const cell = row.getCell(V_FIRST + off + y.t);
          cell.value = v.debt[line.key][y.t] ?? 0;
          cell.numFmt = line.fmt;
        }
        rv++;
      }
    }
    // the capital charge: K · crf(wacc, L) for the generation in service, and the facility's in its first lifeYears years
    const k = wsV.getRow(rv);
    k.values = [v.id, 'itCapexInService', 'K of the IT generation in service (0 when none)'];
    const kRow = rv++;
    const fac = wsV.getRow(rv);
    fac.values = [v.id, 'facilityCapexCharged', `the owned facility's capex while it is charged (its first ${v.capital.facilityLifeYears ?? 0} years)`];
    const facRow = rv++;
    const lRow = rv++;
    wsV.getRow(lRow).values = [v.id, 'lives', 'useful life L (D), facility life (E)', v.capital.usefulLifeYears ?? 0, v.capital.facilityLifeYears ?? 0];
    const ch = wsV.getRow(rv);
    ch.values = [v.id, 'capitalCharge', 'K · crf(p_wacc, L) + facility · crf(p_wacc, facility life); crf = wacc / (1 − (1 + wacc)^−L), 1/L at wacc 0'];
    rows.set('capitalCharge', rv);
    const crf = (life: string): string => `IF(${life}<=0,0,IF(p_wacc=0,1/${life},p_wacc/(1-(1+p_wacc)^(-${life}))))`;
    for (const y of v.years) {
      if (y.t === 0) continue;
      const c = off + y.t;
      const kc = wsV.getCell(kRow, V_FIRST + c);
      kc.value = v.capital.itCapexInService[y.t] ?? 0;
      kc.numFmt = FMT.usd;
      const fc = wsV.getCell(facRow, V_FIRST + c);
      fc.value = y.t <= (v.capital.facilityLifeYears ?? 0) ? v.capital.facilityCapex : 0;
      fc.numFmt = FMT.usd;
      const cell = wsV.getCell(rv, V_FIRST + c);
      cell.value = { formula: `${vCol(c)}${kRow}*${crf(`$D$${lRow}`)}+${vCol(c)}${facRow}*${crf(`$E$${lRow}`)}`, result: v.capital.charge[y.t] ?? 0 };
      cell.numFmt = FMT.usd;
    }
    rv += 2;
  }

  // ---- Portfolio: the consolidation, the revenue gap, the wall, the flows
  const P_FIRST = 3;
  const wsP = wb.addWorksheet('Portfolio', { views: [{ state: 'frozen', xSplit: 2, ySplit: 2 }] });
  wsP.getColumn(1).width = 26;
  wsP.getColumn(2).width = 70;
  const hp = wsP.getRow(1);
  hp.values = ['line', 'how', ...Array.from({ length: Y + 1 }, (_, c) => (c === 0 ? `${yearOf(0)} (t=0)` : String(yearOf(c))))];
  styleHeader(hp);
  wsP.getRow(2).values = ['t', 'calendar index: t = 0 is startYear − 1', ...Array.from({ length: Y + 1 }, (_, c) => c)];
  for (let c = 0; c <= Y; c++) wsP.getColumn(P_FIRST + c).width = 15;
  const pCol = (c: number): string => colName(P_FIRST + c);
  const pRows = new Map<string, number>();
  let rp = 3;
  const at = (key: string, c: number): string => `${pCol(c)}${pRows.get(key) as number}`;
  const section = (title: string): void => {
    const row = wsP.getRow(rp++);
    row.getCell(1).value = title;
    row.font = { bold: true };
    for (let c = 1; c <= P_FIRST + Y; c++) row.getCell(c).fill = SECTION_FILL;
  };
  const line = (key: string, how: string, fmt: string, formula: (c: number) => string | null, cached: (c: number) => Cached): void => {
    const row = wsP.getRow(rp);
    row.values = [key, how];
    pRows.set(key, rp);
    for (let c = 0; c <= Y; c++) {
      const f = formula(c);
      if (f === null) continue;
      const cell = row.getCell(P_FIRST + c);
      const v = cached(c);
      cell.value = v === undefined ? { formula: f } : { formula: f, result: v === null ? '' : v };
      cell.numFmt = fmt;
    }
    rp++;
  };
  const row = (c: number): PortfolioYearRow | undefined => result.years[c];
  const gapRow = (c: number): RevenueGapRow | undefined => gapByYear.get(yearOf(c));
  const sumif = (key: string) => (c: number): string => `SUMIF(Vintages!$B$3:$B$${rv},"${key}",Vintages!${vCol(c)}$3:${vCol(c)}$${rv})`;
  const operating = (c: number): boolean => c > 0;
  section('Consolidated on the calendar: each line the sum of the vintages\' (MODEL.md §8)');
  line('installedMW', 'Σ MW of the vintages operating in the year', FMT.mw, (c) => (operating(c) ? sumif('installedMW')(c) : null), (c) => row(c)?.installedMW);
  for (const f of ['accelerators', 'capacityTokens'] as const) line(f, `Σ ${f}`, f === 'accelerators' ? FMT.num : FMT.sci, (c) => (operating(c) ? sumif(f)(c) : null), (c) => row(c)?.[f]);
  line('servedCompute', 'Σ compute served', FMT.sci, (c) => (operating(c) ? sumif('servedCompute')(c) : null), () => undefined);
  line('utilization', 'served / capacity, from the sums', FMT.share, (c) => (operating(c) ? `IF(${at('capacityTokens', c)}=0,0,${at('servedCompute', c)}/${at('capacityTokens', c)})` : null), (c) => row(c)?.utilization);
  for (const f of ['tokens', 'billedTokens', 'revenue', 'strategicValue', 'power', 'lease', 'rent', 'maintenance', 'fixedOpex', 'otherCost', 'depreciation', 'writeOff', 'cogs', 'ebitda', 'tax'] as const) {
    line(f, `Σ ${f}`, f === 'tokens' || f === 'billedTokens' ? FMT.sci : FMT.usd, (c) => (operating(c) ? sumif(f)(c) : null), (c) => row(c)?.[f]);
  }
  line('grossProfit', 'revenue − cogs', FMT.usd, (c) => (operating(c) ? `${at('revenue', c)}-${at('cogs', c)}` : null), (c) => row(c)?.grossProfit);
  line('grossMargin', 'gross profit / revenue (blank without revenue)', FMT.share, (c) => (operating(c) ? `IF(${at('revenue', c)}=0,"",${at('grossProfit', c)}/${at('revenue', c)})` : null), (c) => row(c)?.grossMargin);
  line('revenuePerMW', 'revenue / installed MW', FMT.usd, (c) => (operating(c) ? `IF(${at('installedMW', c)}=0,"",${at('revenue', c)}/${at('installedMW', c)})` : null), (c) => row(c)?.revenuePerMW);
  for (const f of ['capex', 'residual', 'terminalValue', 'commitmentsAfterHorizon', 'fcf', 'draws', 'interest', 'principal', 'debtOutstanding', 'equityCashFlow'] as const) {
    line(f, `Σ ${f}`, FMT.usd, sumif(f), (c) => row(c)?.[f]);
  }
  line('cumulativeFcf', 'cumulative free cash flow', FMT.usd, (c) => (c === 0 ? at('fcf', 0) : `${at('cumulativeFcf', c - 1)}+${at('fcf', c)}`), (c) => row(c)?.cumulativeFcf);
  line('discountedFcf', 'fcf / (1 + p_wacc)^t', FMT.usd, (c) => `${at('fcf', c)}/(1+p_wacc)^${pCol(c)}$2`, () => undefined);
  line('cumulativeDiscountedFcf', 'cumulative discounted fcf', FMT.usd, (c) => (c === 0 ? at('discountedFcf', 0) : `${at('cumulativeDiscountedFcf', c - 1)}+${at('discountedFcf', c)}`), () => undefined);
  const crossing = (cum: string, flow: string) => (c: number): string | null =>
    c === 0 ? null : `IF(${at(cum, c)}>=0,IF(${at(cum, c - 1)}>=0,${pCol(c)}$2-1,${pCol(c)}$2-1+(-${at(cum, c - 1)})/${at(flow, c)}),"")`;
  line('paybackCandidate', 'where cumulative fcf ≥ 0: t − 1 + (−cum_{t−1}) / fcf_t; payback is the smallest', FMT.years, crossing('cumulativeFcf', 'fcf'), () => undefined);
  line('discountedPaybackCandidate', 'the same on discounted flows', FMT.years, crossing('cumulativeDiscountedFcf', 'discountedFcf'), () => undefined);

  section('The revenue gap and the depreciation wall (MODEL.md §8)');
  const gapLine = (key: string, how: string, fmt: string, f: (c: number) => string, cached: (g: RevenueGapRow) => number | null): void =>
    line(key, how, fmt, (c) => (operating(c) ? `IF(${at('installedMW', c)}=0,"",${f(c)})` : null), (c) => {
      const g = gapRow(c);
      return g === undefined ? (operating(c) ? null : undefined) : cached(g);
    });
  gapLine('cashCost', 'cogs − depreciation: power, leases, rent, maintenance, fixed opex, per-token cost', FMT.usd, (c) => `${at('cogs', c)}-${at('depreciation', c)}`, (g) => g.cashCost);
  line('capitalCharge', 'Σ of the vintages\' capital charges (Vintages)', FMT.usd, (c) => (operating(c) ? sumif('capitalCharge')(c) : null), (c) => gapRow(c)?.capitalCharge ?? (operating(c) ? 0 : undefined));
  gapLine('requiredRevenue', 'cash cost + (capital charge − p_taxRate · depreciation) / (1 − p_taxRate)', FMT.usd, (c) => `${at('cashCost', c)}+(${at('capitalCharge', c)}-p_taxRate*${at('depreciation', c)})/(1-p_taxRate)`, (g) => g.requiredRevenue);
  if (margin !== undefined) gapLine('requiredEndUser', 'required / (1 − p_endUserMargin)', FMT.usd, (c) => `${at('requiredRevenue', c)}/(1-p_endUserMargin)`, (g) => g.requiredEndUser);
  gapLine('gap', 'required − revenue: positive is a shortfall', FMT.usd, (c) => `${at('requiredRevenue', c)}-${at('revenue', c)}`, (g) => g.gap);
  gapLine('depreciationShare', 'the depreciation wall: depreciation / revenue (blank without revenue)', FMT.share, (c) => `IF(${at('revenue', c)}=0,"",${at('depreciation', c)}/${at('revenue', c)})`, (g) => g.depreciationShare);
  if (portfolioHasCapital(result)) {
    section('The capital stack of the vintages (MODEL.md §9): each vintage its own tranches; the lines add up, the ratios come from the sums');
    const levered = result.summary.maxLtv !== null;
    for (const f of ['debtService', 'principalDue', 'balloonsDue', 'refinanced', 'sweep', 'cashAvailable', 'openingDebt', 'contractedRevenue', 'expectedCreditLoss', 'contractsEnding'] as const) {
      const cached = (c: number): Cached => (f === 'debtService' || f === 'openingDebt' || f === 'contractsEnding' ? undefined : row(c)?.[f]);
      line(f, `Σ ${f}`, FMT.usd, (c) => (operating(c) ? sumif(f)(c) : null), cached);
    }
    line('marketValue', 'Σ marketValue (end of year)', FMT.usd, sumif('marketValue'), (c) => row(c)?.marketValue);
    line('backlog', 'Σ backlog (end of year)', FMT.usd, sumif('backlog'), (c) => row(c)?.backlog);
    line('dscr', 'ebitda / debt service (blank without debt service)', FMT.num, (c) => (operating(c) ? `IF(${at('debtService', c)}<=0,"",${at('ebitda', c)}/${at('debtService', c)})` : null), (c) => row(c)?.dscr);
    line('marketLtv', 'debt outstanding / market value (blank without either)', FMT.share, (c) => (levered ? `IF(${at('marketValue', c)}=0,"",${at('debtOutstanding', c)}/${at('marketValue', c)})` : '""'), (c) => row(c)?.marketLtv);
    line('refinancingNeed', 'balloons due this year and next', FMT.usd, (c) => (operating(c) ? (c < Y ? `${at('balloonsDue', c)}+${at('balloonsDue', c + 1)}` : at('balloonsDue', c)) : null), (c) => row(c)?.refinancingNeed);
    const cash2 = (c: number): string => (c < Y ? `(${at('cashAvailable', c)}+${at('cashAvailable', c + 1)})` : at('cashAvailable', c));
    line('refinancingNeedRatio', 'need / cash available over the same two years (blank when that cash is not positive)', FMT.num, (c) => (operating(c) ? `IF(${at('refinancingNeed', c)}=0,0,IF(${cash2(c)}>0,${at('refinancingNeed', c)}/${cash2(c)},""))` : null), (c) => row(c)?.refinancingNeedRatio);
    line('costOfDebt', 'interest / debt at the end of the year before', FMT.share, (c) => (operating(c) ? `IF(${at('openingDebt', c)}=0,"",${at('interest', c)}/${at('openingDebt', c)})` : null), (c) => row(c)?.costOfDebt);
    line('contractedShare', 'contracted revenue / (revenue + expected credit loss)', FMT.share, (c) => (operating(c) ? `IF(${at('revenue', c)}+${at('expectedCreditLoss', c)}=0,"",${at('contractedRevenue', c)}/(${at('revenue', c)}+${at('expectedCreditLoss', c)}))` : null), (c) => row(c)?.contractedShare);
    line('revenueAtRisk', 'contracts ending in the next two years: contract minus market revenue', FMT.usd, (c) => (operating(c) ? [c + 1, c + 2].filter((k) => k <= Y).map((k) => at('contractsEnding', k)).join('+') || '0' : null), (c) => row(c)?.revenueAtRisk);
  }

  // ---- Summary
  const wsS = wb.addWorksheet('Summary', { views: [{ state: 'frozen', ySplit: 1 }] });
  wsS.columns = [{ width: 26 }, { width: 22 }, { width: 96 }];
  const hs = wsS.getRow(1);
  hs.values = ['metric', 'value', 'how'];
  styleHeader(hs);
  const span = (key: string, from = 0): string => `Portfolio!$${pCol(from)}$${pRows.get(key) as number}:$${pCol(Y)}$${pRows.get(key) as number}`;
  const s = result.summary;
  let rs = 2;
  const sline = (key: string, formula: string, cached: Cached, fmt: string, how: string): void => {
    const r = wsS.getRow(rs++);
    r.getCell(1).value = key;
    r.getCell(2).value = { formula, result: cached === null || cached === undefined ? '' : cached };
    r.getCell(2).numFmt = fmt;
    r.getCell(3).value = how;
  };
  const startRow = rs + 3;
  sline('npv', `SUM(${span('discountedFcf')})`, s.npv, FMT.usd, 'Σ fcf_t / (1 + p_wacc)^t over the calendar, t = 0 in startYear − 1');
  sline('irr', `IFERROR(IRR(${span('fcf')},$B$${startRow}),IFERROR(IRR(${span('fcf')},MIRR(${span('fcf')},0,0)),""))`, s.irr, FMT.share, 'IRR of the consolidated flows, from the engine\'s value at export; blank when there is none');
  sline('paybackYears', `IF(SUM(${span('capex')})=0,0,IF(COUNT(${span('paybackCandidate', 1)})=0,"never",MIN(${span('paybackCandidate', 1)})))`, s.paybackYears ?? 'never', FMT.years, 'first t with cumulative fcf ≥ 0, interpolated; "never" if not within the years');
  const r0 = wsS.getRow(rs++);
  r0.getCell(1).value = 'irrStart';
  r0.getCell(2).value = s.irr ?? 0.1;
  r0.getCell(3).value = "where the spreadsheet's IRR starts its search: the engine's value at export";
  sline('discountedPaybackYears', `IF(SUM(${span('capex')})=0,0,IF(COUNT(${span('discountedPaybackCandidate', 1)})=0,"never",MIN(${span('discountedPaybackCandidate', 1)})))`, s.discountedPaybackYears ?? 'never', FMT.years, 'the same on discounted flows');
  sline('peakFunding', `MAX(0,-MIN(${span('cumulativeFcf')}))`, s.peakFunding, FMT.usd, '−min cumulative fcf');
  sline('totalCapex', `SUM(${span('capex')})`, s.totalCapex, FMT.usd, 'Σ capex');
  sline('totalRevenue', `SUM(${span('revenue', 1)})`, s.totalRevenue, FMT.usd, 'Σ cash revenue');
  sline('grossMargin', `IF(SUM(${span('revenue', 1)})=0,"",SUM(${span('grossProfit', 1)})/SUM(${span('revenue', 1)}))`, s.grossMargin, FMT.share, 'Σ gross profit / Σ revenue');
  sline('maxRevenueGap', `IF(COUNT(${span('gap', 1)})=0,"",MAX(${span('gap', 1)}))`, s.maxRevenueGap, FMT.usd, 'the largest yearly gap between required and earned revenue');
  if (portfolioHasCapital(result)) {
    sline('minDscr', `IF(COUNT(${span('dscr', 1)})=0,"",MIN(${span('dscr', 1)}))`, s.minDscr, FMT.num, 'the lowest consolidated DSCR (each vintage\'s own covenants: see its breaches in the JSON)');
    sline('maxRefinancingNeed', `MAX(${span('refinancingNeed', 1)})`, s.maxRefinancingNeed, FMT.usd, 'the largest refinancing need: balloons due within two years');
    sline('maxMarketLtv', `IF(COUNT(${span('marketLtv')})=0,"",MAX(${span('marketLtv')}))`, s.maxMarketLtv, FMT.share, 'the largest market LTV of the consolidated debt');
  }
  rs++;
  for (const text of [
    `inference-payback ${VERSION} · portfolio ${p.id} · MODEL.md §8`,
    "Change the yellow cells on Inputs (the portfolio's wacc, tax rate, end-user margin): the capital charges, the required revenue, npv and irr recompute.",
    "A vintage's own lines are its scenario's (re-based to its build year): change it in the portfolio file and re-export, or export its scenario for its own live model.",
  ]) wsS.getCell(rs++, 1).value = text;

  // ---- Charts (added to the file by `withPortfolioCharts`)
  const wsC = wb.addWorksheet('Charts');
  wsC.getCell(1, 1).value = `${p.name ?? p.id}: installed MW by vintage, revenue against what the buildout requires, the depreciation wall, utilization by vintage`;
  const years = `Portfolio!$${pCol(1)}$1:$${pCol(Y)}$1`;
  const pr = (key: string): string => `Portfolio!$${pCol(1)}$${pRows.get(key) as number}:$${pCol(Y)}$${pRows.get(key) as number}`;
  const vr = (id: string, key: string): string => `Vintages!$${vCol(1)}$${vintageRows.get(id)?.get(key) as number}:$${vCol(Y)}$${vintageRows.get(id)?.get(key) as number}`;
  const palette = ['2F6FB0', '2E9E6A', '8A5CC2', 'D08A1E', 'C8503C', '1F2D3D', '8A8F98', '5DA5DA', '60BD68', 'F17CB0', 'B2912F', 'B276B2'];
  const charts: ChartSpec[] = [
    {
      title: 'Installed MW by vintage',
      kind: 'stacked',
      categories: years,
      yTitle: 'MW',
      series: result.vintages.map((v, i) => ({ name: `vintage ${v.id}`, ref: vr(v.id, 'installedMW'), color: palette[i % palette.length] as string })),
    },
    {
      title: 'Revenue against the revenue the buildout requires',
      kind: 'line',
      categories: years,
      yTitle: '$',
      series: [
        { name: 'revenue', ref: pr('revenue'), color: hex(COLORS.revenue) },
        { name: 'required revenue', ref: pr('requiredRevenue'), color: hex(COLORS.cost) },
        ...(margin !== undefined ? [{ name: 'required end-user revenue', ref: pr('requiredEndUser'), color: hex(COLORS.neutral) }] : []),
      ],
    },
    { title: 'The depreciation wall: depreciation / revenue', kind: 'line', categories: years, yTitle: 'share of revenue', series: [{ name: 'depreciation / revenue', ref: pr('depreciationShare'), color: hex(COLORS.cost) }] },
    {
      title: p.demand !== undefined ? 'Utilization by vintage under the shared market' : 'Utilization by vintage',
      kind: 'line',
      categories: years,
      yTitle: 'utilization',
      series: result.vintages.map((v, i) => ({ name: `vintage ${v.id}`, ref: vr(v.id, 'utilization'), color: palette[i % palette.length] as string })),
    },
  ];
  return { workbook: wb, charts };
}

const hex = (css: string): string => css.replace('#', '').toUpperCase();

function styleHeader(row: ExcelJS.Row): void {
  row.font = { bold: true };
  row.eachCell({ includeEmpty: false }, (c) => {
    c.fill = HEADER_FILL;
  });
}

/** A native chart on a sheet's ranges. */
export interface ChartSpec {
  title: string;
  kind: 'stacked' | 'line';
  /** the categories (years) as a range */
  categories: string;
  yTitle: string;
  series: { name: string; ref: string; color: string }[];
}

const xmlEsc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** DrawingML of one chart: a stacked column or a line chart on the workbook's ranges. */
export function chartXml(c: ChartSpec): string {
  const ser = c.series
    .map(
      (s, i) => `<c:ser><c:idx val="${i}"/><c:order val="${i}"/><c:tx><c:v>${xmlEsc(s.name)}</c:v></c:tx>` +
        (c.kind === 'stacked'
          ? `<c:spPr><a:solidFill><a:srgbClr val="${s.color}"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>`
          : `<c:spPr><a:ln w="22225"><a:solidFill><a:srgbClr val="${s.color}"/></a:solidFill></a:ln></c:spPr><c:marker><c:symbol val="none"/></c:marker>`) +
        `<c:cat><c:strRef><c:f>${xmlEsc(c.categories)}</c:f></c:strRef></c:cat><c:val><c:numRef><c:f>${xmlEsc(s.ref)}</c:f></c:numRef></c:val>` +
        (c.kind === 'line' ? '<c:smooth val="0"/>' : '') +
        '</c:ser>',
    )
    .join('');
  const plot =
    c.kind === 'stacked'
      ? `<c:barChart><c:barDir val="col"/><c:grouping val="stacked"/><c:varyColors val="0"/>${ser}<c:gapWidth val="50"/><c:overlap val="100"/><c:axId val="1001"/><c:axId val="1002"/></c:barChart>`
      : `<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>${ser}<c:marker val="1"/><c:axId val="1001"/><c:axId val="1002"/></c:lineChart>`;
  const title = (text: string, size: number): string =>
    `<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:pPr><a:defRPr sz="${size}" b="1"/></a:pPr><a:r><a:rPr lang="en-US" sz="${size}" b="1"/><a:t>${xmlEsc(text)}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title>`;
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
    `<c:chart>${title(c.title, 1200)}<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>${plot}` +
    '<c:catAx><c:axId val="1001"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="1"/><c:tickLblPos val="nextTo"/><c:crossAx val="1002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/></c:catAx>' +
    `<c:valAx><c:axId val="1002"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="l"/><c:majorGridlines/>${title(c.yTitle, 900)}<c:numFmt formatCode="General" sourceLinked="1"/><c:tickLblPos val="nextTo"/><c:crossAx val="1001"/><c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx>` +
    '</c:plotArea><c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>'
  );
}

/**
 * Add native charts to a written workbook's sheet (exceljs writes none): the
 * chart parts, a drawing that places them one under another, and the links
 * from the sheet. Returns the new file's bytes.
 */
export async function withCharts(xlsx: Uint8Array, sheetName: string, charts: readonly ChartSpec[]): Promise<Uint8Array> {
  if (charts.length === 0) return xlsx;
  const { default: JSZip } = await import('jszip');
  const zip = await JSZip.loadAsync(xlsx);
  const wbXml = await zip.file('xl/workbook.xml')?.async('string');
  const wbRels = await zip.file('xl/_rels/workbook.xml.rels')?.async('string');
  if (wbXml === undefined || wbRels === undefined) throw new Error('not a workbook');
  const sheetRid = new RegExp(`<sheet [^>]*name="${sheetName}"[^>]*r:id="([^"]+)"`).exec(wbXml)?.[1];
  const target = sheetRid === undefined ? undefined : new RegExp(`Id="${sheetRid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="${sheetRid}"`).exec(wbRels);
  const sheetPath = target === undefined || target === null ? undefined : `xl/${(target[1] ?? target[2] ?? '').replace(/^\/?xl\//, '')}`;
  if (sheetPath === undefined) throw new Error(`no sheet ${sheetName}`);
  const sheetFile = sheetPath.split('/').pop() as string;
  const relsPath = `xl/worksheets/_rels/${sheetFile}.rels`;
  let sheetXml = (await zip.file(sheetPath)?.async('string')) as string;
  const rid = 'rIdPortfolioDrawing';
  const before = ['<legacyDrawing', '<legacyDrawingHF', '<picture', '<oleObjects', '<controls', '<webPublishItems', '<tableParts', '<extLst', '</worksheet>'].map((tag) => sheetXml.indexOf(tag)).filter((i) => i >= 0);
  const at = Math.min(...before);
  sheetXml = `${sheetXml.slice(0, at)}<drawing r:id="${rid}"/>${sheetXml.slice(at)}`;
  if (!sheetXml.includes('xmlns:r=')) sheetXml = sheetXml.replace('<worksheet ', '<worksheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ');
  zip.file(sheetPath, sheetXml);
  const existing = await zip.file(relsPath)?.async('string');
  const rel = `<Relationship Id="${rid}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing" Target="../drawings/drawingPortfolio.xml"/>`;
  zip.file(relsPath, existing === undefined ? `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rel}</Relationships>` : existing.replace('</Relationships>', `${rel}</Relationships>`));
  // one chart under another, 18 rows each, from row 3
  const anchors = charts
    .map((_, i) => {
      const from = 2 + i * 20;
      return (
        `<xdr:twoCellAnchor><xdr:from><xdr:col>0</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${from}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>` +
        `<xdr:to><xdr:col>12</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${from + 18}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>` +
        `<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="${i + 2}" name="Chart ${i + 1}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>` +
        '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>' +
        `<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" r:id="rIdChart${i + 1}"/></a:graphicData></a:graphic>` +
        '</xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>'
      );
    })
    .join('');
  zip.file(
    'xl/drawings/drawingPortfolio.xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
      anchors +
      '</xdr:wsDr>',
  );
  zip.file(
    'xl/drawings/_rels/drawingPortfolio.xml.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      charts.map((_, i) => `<Relationship Id="rIdChart${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart" Target="../charts/chartPortfolio${i + 1}.xml"/>`).join('') +
      '</Relationships>',
  );
  charts.forEach((c, i) => zip.file(`xl/charts/chartPortfolio${i + 1}.xml`, chartXml(c)));
  let types = (await zip.file('[Content_Types].xml')?.async('string')) as string;
  const overrides =
    '<Override PartName="/xl/drawings/drawingPortfolio.xml" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>' +
    charts.map((_, i) => `<Override PartName="/xl/charts/chartPortfolio${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>`).join('');
  types = types.replace('</Types>', `${overrides}</Types>`);
  zip.file('[Content_Types].xml', types);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

/**
 * The workbook of a portfolio's result as bytes, its charts in.
 *
 * @example
 * writeFileAtomic('buildout.xlsx', await portfolioXlsx(evaluatePortfolio(p)));
 */
export async function portfolioXlsx(result: PortfolioResult): Promise<Uint8Array> {
  const { workbook, charts } = buildPortfolioWorkbook(result);
  const buf: unknown = await workbook.xlsx.writeBuffer();
  const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf as ArrayBuffer);
  return withCharts(bytes, 'Charts', charts);
}
