/**
 * The spreadsheet export: the model of MODEL.md §3 as live formulas an analyst
 * can audit and change. `Inputs` holds every input in a named cell, `Model`
 * every yearly line as a formula on those names and on the lines above it,
 * `Summary` the headline with the spreadsheet's own NPV and IRR.
 *
 * Every formula cell carries the engine's value as its cached result, read
 * from the result object (STYLE.md habit 4): nothing is recomputed here. The
 * helper lines the result does not hold (mix weight, per-generation
 * depreciation, the tax pools…) carry no cached value; the workbook asks the
 * spreadsheet to recalculate on load.
 *
 * What a formula cannot change is fixed at export time: the horizon (one
 * column per year), the segments and their pricing form, the fleet, facility
 * and demand modes, whether there is debt, and the number of generation blocks.
 */
import ExcelJS from 'exceljs';
import { isCashPricing } from '../model/engine.ts';
import { HOURS_PER_YEAR, seriesAt } from '../model/lines.ts';
import type { CapitalSummaryField, ModelResult, PricingKind, SegmentResult, SegmentYearField, SummaryField, YearField } from '../model/result.ts';
import type { Catalog, Scenario } from '../model/schema.ts';
import { RENTED_PAYBACK } from './metrics.ts';
import { VERSION } from '../version.ts';
import { describeBounds, inputBounds } from './input-bounds.ts';
import { type CapitalNames, capitalInputs, contractInputs, debtLines } from './xlsx-debt.ts';
import {
  asCached,
  type Cached,
  type CellSpec,
  checkName,
  colName,
  F,
  FMT_INT,
  FMT_MONEY,
  FMT_NUM,
  FMT_RATE,
  g,
  type InputSpec,
  type InputValue,
  type Line,
  Rows,
  segName,
  UNIT,
  type Unit,
  yearOf,
} from './xlsx-lines.ts';

/** Options of `buildWorkbook`. */
export interface WorkbookOptions {
  /** the accelerator catalog, to credit catalog-derived fleet values to their catalog row */
  catalog?: Catalog | undefined;
  /** the source of an input by MODEL.md path (e.g. the scenario file's line comment); falls back to the catalog or the scenario */
  sourceOf?: ((path: string) => string | undefined) | undefined;
}

const INPUT_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } };
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
const SECTION_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };

/** The fleet values a catalog row supplies. */
const CATALOG_FIELDS = new Set(['fleet.kWPerAccelerator', 'fleet.tokensPerSecond', 'fleet.capexPerAccelerator']);

function inputSpecs(s: Scenario, opts: WorkbookOptions, capital: boolean): { specs: InputSpec[]; names: CapitalNames } {
  const T = s.horizon.years;
  const series = (x: number | readonly number[]): number[] => Array.from({ length: T }, (_, i) => seriesAt(x, i + 1));
  const own = s.fleet.mode === 'own';
  const catalogRow = s.fleet.accelerator === undefined ? undefined : opts.catalog?.accelerators.find((a) => a.id === s.fleet.accelerator);
  const fallback = `scenario ${s.id}`;
  const source = (path: string, value?: unknown): string => {
    const given = opts.sourceOf?.(path);
    if (given !== undefined && given !== '') return given;
    const key = path.split('.').pop() as string;
    if (catalogRow !== undefined && CATALOG_FIELDS.has(path) && value !== undefined && (catalogRow as Record<string, unknown>)[key] === value) {
      return `catalog ${catalogRow.id} (${catalogRow.name}): ${catalogRow.source}`;
    }
    return fallback;
  };
  const out: InputSpec[] = [];
  const add = (path: string, name: string, unit: string, value: InputValue | number[], fmt?: string, extra: Partial<InputSpec> = {}): void => {
    const spec: InputSpec = { path, name: checkName(name), unit, value, source: source(path, value), ...extra };
    if (fmt !== undefined) spec.fmt = fmt;
    out.push(spec);
  };

  add('horizon.startYear', 'startYear', 'calendar year', s.horizon.startYear, FMT_INT, { note: 'structure: the column headers; re-export to change' });
  add('horizon.years', 'horizonYears', 'years', T, FMT_INT, { note: 'structure: one Model column per year; re-export to change' });
  out.push({ path: 'fleet.mode', unit: 'own | rent', value: s.fleet.mode, source: source('fleet.mode'), note: 'structure: re-export to change' });
  out.push({ path: 'site.facility.mode', unit: 'own | lease | none', value: s.site.facility.mode, source: source('site.facility.mode'), note: 'structure: re-export to change' });
  if (s.fleet.accelerator !== undefined) {
    out.push({ path: 'fleet.accelerator', unit: 'catalog id', value: s.fleet.accelerator, source: source('fleet.accelerator'), note: 'the catalog row the fleet values below come from' });
  }
  add('(constant) H', 'hoursPerYear', 'hours per year', HOURS_PER_YEAR, FMT_INT, { note: 'MODEL.md §1: H = 8760', source: 'MODEL.md §1 (a model constant)' });

  add('site.itMW', 'itMW', 'MW of IT load', s.site.itMW, FMT_NUM);
  add('site.pue', 'pue', 'ratio', s.site.pue, '0.00');
  if (s.site.power) {
    add('site.power.pricePerMWh', 'powerPricePerMWh', '$ per MWh', s.site.power.pricePerMWh, FMT_MONEY);
    add('site.power.escalationPerYear', 'powerEscalationPerYear', 'rate per year', s.site.power.escalationPerYear, FMT_RATE);
    add('site.power.idleFraction', 'powerIdleFraction', 'share of peak draw', s.site.power.idleFraction, FMT_RATE);
  }
  const f = s.site.facility;
  if (f.mode === 'lease') {
    add('site.facility.leasePerKWMonth', 'leasePerKWMonth', '$ per kW-month', f.leasePerKWMonth, FMT_MONEY);
    add('site.facility.escalationPerYear', 'leaseEscalationPerYear', 'rate per year', f.escalationPerYear, FMT_RATE);
    add('site.facility.termYears', 'leaseTermYears', 'years', f.termYears, FMT_INT);
  } else if (f.mode === 'own') {
    add('site.facility.capexPerMW', 'facilityCapexPerMW', '$ per MW', f.capexPerMW, FMT_MONEY);
    add('site.facility.lifeYears', 'facilityLifeYears', 'years', f.lifeYears, FMT_INT);
  }

  const fl = s.fleet;
  add('fleet.kWPerAccelerator', 'kWPerAccelerator', 'kW per accelerator', fl.kWPerAccelerator as number, '0.000');
  add('fleet.tokensPerSecond', 'tokensPerSecond', 'tokens/s per accelerator', fl.tokensPerSecond as number, FMT_NUM);
  if (own) {
    add('fleet.capexPerAccelerator', 'capexPerAccelerator', '$ per accelerator', fl.capexPerAccelerator as number, FMT_MONEY);
    add('fleet.usefulLifeYears', 'usefulLifeYears', 'years', fl.usefulLifeYears as number, FMT_INT);
    add('fleet.depreciationYears', 'depreciationYears', 'years', (fl.depreciationYears ?? fl.usefulLifeYears) as number, FMT_INT);
    add('fleet.residualValue', 'residualValue', 'share of capex', fl.residualValue, FMT_RATE);
    add('fleet.refresh', 'refresh', 'TRUE / FALSE', fl.refresh);
    add('fleet.technology.perfGainPerYear', 'perfGainPerYear', '× per year of technology', fl.technology.perfGainPerYear, '0.000000');
    add('fleet.technology.capexChangePerYear', 'capexChangePerYear', '× per year of technology', fl.technology.capexChangePerYear, '0.000000');
    add('fleet.maintenancePctPerYear', 'maintenancePctPerYear', 'share of capex per year', fl.maintenancePctPerYear, FMT_RATE);
  } else {
    add('fleet.rentPerAcceleratorHour', 'rentPerAcceleratorHour', '$ per accelerator-hour', fl.rentPerAcceleratorHour as number, FMT_MONEY);
    add('fleet.rentChangePerYear', 'rentChangePerYear', 'rate per year', fl.rentChangePerYear, FMT_RATE);
    add('fleet.rentTermYears', 'rentTermYears', 'years', fl.rentTermYears as number, FMT_INT);
  }
  add('serving.softwareGainPerYear', 'softwareGainPerYear', 'rate per year', s.serving.softwareGainPerYear, FMT_RATE);

  const d = s.demand;
  if (d.tokensPerYear !== undefined) {
    add('demand.tokensPerYear', 'tokensPerYear', 'tokens in year 1', d.tokensPerYear, '0.000E+00');
    add('demand.growthPerYear', 'growthPerYear', 'rate per year', d.growthPerYear ?? 0, FMT_RATE);
    add('demand.maxUtilization', 'maxUtilization', 'share of capacity', d.maxUtilization ?? 1, FMT_RATE);
  } else {
    add('demand.utilization', 'utilization', 'share of capacity', series(d.utilization as number | number[]), FMT_RATE);
  }
  for (const seg of d.segments) {
    const p = `demand.segments[${seg.id}]`;
    const n = segName(seg.id);
    add(`${p}.tokenShare`, `${n}_tokenShare`, 'share of tokens', series(seg.tokenShare), FMT_RATE);
    add(`${p}.computeIntensity`, `${n}_computeIntensity`, 'compute units per token', seg.computeIntensity, '0.000');
    add(`${p}.hiddenReasoningShare`, `${n}_hiddenReasoningShare`, 'share of its tokens', seg.hiddenReasoningShare, FMT_RATE);
    add(`${p}.reasoningBilled`, `${n}_reasoningBilled`, 'TRUE / FALSE', seg.reasoningBilled);
    const pr = seg.pricing as Record<string, unknown>;
    if ('perMTok' in pr) {
      const q = pr as { perMTok: number; changePerYear: number; discount: number };
      add(`${p}.pricing.perMTok`, `${n}_perMTok`, '$ per M billed tokens', q.perMTok, FMT_MONEY);
      add(`${p}.pricing.changePerYear`, `${n}_changePerYear`, 'rate per year', q.changePerYear, FMT_RATE);
      add(`${p}.pricing.discount`, `${n}_discount`, 'share of list price', q.discount, FMT_RATE);
    } else if ('subscription' in pr) {
      const q = (pr as { subscription: { arpuPerMonth: number; tokensPerUserMonth: number; arpuChangePerYear: number; usageGrowthPerYear: number } }).subscription;
      add(`${p}.pricing.subscription.arpuPerMonth`, `${n}_arpuPerMonth`, '$ per user-month', q.arpuPerMonth, FMT_MONEY);
      add(`${p}.pricing.subscription.tokensPerUserMonth`, `${n}_tokensPerUserMonth`, 'tokens per user-month', q.tokensPerUserMonth, '#,##0');
      add(`${p}.pricing.subscription.arpuChangePerYear`, `${n}_arpuChangePerYear`, 'rate per year', q.arpuChangePerYear, FMT_RATE);
      add(`${p}.pricing.subscription.usageGrowthPerYear`, `${n}_usageGrowthPerYear`, 'rate per year', q.usageGrowthPerYear, FMT_RATE);
    } else if ('perAcceleratorHour' in pr) {
      const q = pr as { perAcceleratorHour: number; changePerYear: number; techPremiumPerYear: number };
      add(`${p}.pricing.perAcceleratorHour`, `${n}_perAcceleratorHour`, '$ per accelerator-hour', q.perAcceleratorHour, FMT_MONEY);
      add(`${p}.pricing.changePerYear`, `${n}_changePerYear`, 'rate per year', q.changePerYear, FMT_RATE);
      add(`${p}.pricing.techPremiumPerYear`, `${n}_techPremiumPerYear`, '× per year of technology', q.techPremiumPerYear, '0.000000');
    } else if ('imputedPerMTok' in pr) {
      const q = pr as { imputedPerMTok: number; changePerYear: number };
      add(`${p}.pricing.imputedPerMTok`, `${n}_imputedPerMTok`, '$ per M billed tokens (imputed, not cash)', q.imputedPerMTok, FMT_MONEY);
      add(`${p}.pricing.changePerYear`, `${n}_changePerYear`, 'rate per year', q.changePerYear, FMT_RATE);
    }
  }

  const fin = s.finance;
  add('finance.wacc', 'wacc', 'rate per year', fin.wacc, FMT_RATE);
  add('finance.taxRate', 'taxRate', 'rate', fin.taxRate, FMT_RATE);
  add('finance.terminalValue', 'terminalValue', 'bookValue | none', fin.terminalValue, undefined, { choices: ['bookValue', 'none'] });
  let names: CapitalNames = { baseRate: false, buildMonths: false, cashSweep: false, minDscr: false, maxLtv: false, decline: false };
  if (capital) {
    // MODEL.md §9: the capital stack's inputs (the Debt sheet reads them); a single debt object is one tranche
    names = capitalInputs(s, add, (path, unit, value, note) => void out.push({ path, unit, value, source: source(path), note }));
    contractInputs(s, add);
  } else if (fin.debt !== undefined && !Array.isArray(fin.debt)) {
    add('finance.debt.share', 'debtShare', 'share of each capex event', fin.debt.share, FMT_RATE);
    add('finance.debt.rate', 'debtRate', 'rate per year', fin.debt.rate, FMT_RATE);
    add('finance.debt.termYears', 'debtTermYears', 'years', fin.debt.termYears, FMT_INT);
    add('finance.debt.amortization', 'debtAmortization', 'straight | bullet', fin.debt.amortization, undefined, { choices: ['straight', 'bullet'] });
  }
  add('opex.fixedPerMWYear', 'fixedPerMWYear', '$ per MW-year', s.opex.fixedPerMWYear, FMT_MONEY);
  add('opex.otherCostPerMTok', 'otherCostPerMTok', '$ per M tokens', s.opex.otherCostPerMTok, FMT_MONEY);
  add('profitability.minMargin', 'minMargin', 'gross margin', s.profitability.minMargin, FMT_RATE);
  return { specs: out, names };
}

// ---------------------------------------------------------------------------
// The workbook

/**
 * Build the workbook of one result: `Inputs` (named cells), `Model` (the
 * yearly lines as live formulas), `Summary` (NPV, IRR, payback, per-MW
 * averages, the funnel). Each formula cell carries the engine's value as its
 * cached result.
 *
 * @example
 * const wb = buildWorkbook(evaluate(scenario), { catalog: loadCatalog() });
 * await wb.xlsx.writeFile('model.xlsx');
 */
export function buildWorkbook(result: ModelResult, opts: WorkbookOptions = {}): ExcelJS.Workbook {
  const s = result.scenario;
  const T = s.horizon.years;
  const own = s.fleet.mode === 'own';
  const tokensMode = s.demand.tokensPerYear !== undefined;
  const debt = s.finance.debt !== undefined;
  // MODEL.md §9: a scenario with a capital stack has a Debt sheet; Model's debt lines read its totals
  const capital = result.tranches !== undefined;
  const facility = s.site.facility.mode;
  const segs = result.segments;
  const kinds: PricingKind[] = segs.map((x) => x.pricingKind);
  // one block per generation the scenario has; usefulLifeYears may change within that count
  const G = own ? (s.fleet.refresh ? 1 + Math.floor((T - 1) / (s.fleet.usefulLifeYears as number)) : 1) : 0;

  const wb = new ExcelJS.Workbook();
  wb.creator = `inference-payback ${VERSION}`;
  wb.calcProperties.fullCalcOnLoad = true;

  // ---- Inputs
  const { specs: inputs, names: capitalNames } = inputSpecs(s, opts, capital);
  const wsIn = wb.addWorksheet('Inputs', { views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }] });
  const IN_VALUE_COL = 5; // E: the value, or year 1 of a Series
  wsIn.columns = [
    { header: 'path (MODEL.md)', width: 52 },
    { header: 'name', width: 34 },
    { header: 'unit', width: 24 },
    { header: 'source', width: 44 },
    ...Array.from({ length: T }, (_, i) => ({ header: i === 0 ? `value · ${s.horizon.startYear} (t=1)` : `${s.horizon.startYear + i} (t=${i + 1})`, width: i === 0 ? 20 : 14 })),
  ];
  styleHeader(wsIn.getRow(1));
  let rIn = 2;
  for (const spec of inputs) {
    const row = wsIn.getRow(rIn);
    row.getCell(1).value = spec.path;
    if (spec.name !== undefined) row.getCell(2).value = spec.name;
    row.getCell(3).value = spec.unit;
    row.getCell(4).value = spec.source;
    if (spec.note !== undefined) row.getCell(1).note = spec.note;
    const values = Array.isArray(spec.value) ? spec.value : [spec.value];
    const editable = isEditable(spec);
    values.forEach((v, i) => {
      const c = row.getCell(IN_VALUE_COL + i);
      c.value = v;
      if (spec.fmt !== undefined) c.numFmt = spec.fmt;
      if (editable) {
        c.fill = INPUT_FILL;
        // the sheet is protected (no password) so formulas are not overwritten by accident; inputs stay open
        c.protection = { locked: false };
        const rule = inputValidation(spec, v, c.address);
        if (rule !== undefined) c.dataValidation = rule;
      }
    });
    if (spec.name !== undefined) {
      const first = `$${colName(IN_VALUE_COL)}$${rIn}`;
      const last = `$${colName(IN_VALUE_COL + values.length - 1)}$${rIn}`;
      wb.definedNames.add(values.length === 1 ? `Inputs!${first}` : `Inputs!${first}:${last}`, spec.name);
    }
    rIn++;
  }
  rIn++;
  wsIn.getCell(rIn, 1).value = 'Sources';
  wsIn.getCell(rIn, 1).font = { bold: true };
  rIn++;
  for (const src of s.sources ?? []) {
    wsIn.getCell(rIn, 1).value = src.label;
    if (src.url !== undefined) wsIn.getCell(rIn, 4).value = src.url;
    rIn++;
  }
  if ((s.sources ?? []).length === 0) wsIn.getCell(rIn++, 1).value = '(the scenario lists no sources)';
  rIn++;
  wsIn.getCell(rIn, 1).value = 'Yellow cells are inputs: change them and Model and Summary recompute. Rows without a name describe the structure; changing them needs a re-export.';
  wsIn.getCell(rIn + 1, 1).value =
    'Each yellow cell accepts what the loader accepts (MODEL.md §2): a value out of range is refused. The sheets are protected without a password, so formulas are not overwritten by accident (Review → Unprotect Sheet lifts it).';
  finishSheet(wsIn, '1:1');

  // ---- Model
  const M = new Rows('Model');
  const FIRST_COL = 3; // C: t = 0
  const col = (t: number): string => colName(FIRST_COL + t);
  const lastCol = col(T);
  const tc = (t: number): string => `${col(t)}$2`;
  const at = (key: string, t: number): string => `${col(t)}${M.r(key)}`;
  const prev = (key: string, t: number): string => at(key, t - 1);
  const span = (key: string, from = 1): string => `Model!$${col(from)}$${M.r(key)}:$${lastCol}$${M.r(key)}`;
  const yearField = (field: YearField) => (t: number): Cached => asCached(result.years[t]?.[field]);
  const segField = (seg: SegmentResult, field: SegmentYearField | 'monetizable' | 'profitable') => (t: number): Cached =>
    t === 0 ? undefined : asCached(seg.years[t - 1]?.[field]);
  /** an operating-year line: empty at t = 0 */
  const op = (fn: (t: number) => CellSpec) => (t: number): CellSpec => (t === 0 ? null : fn(t));
  const sum = (keys: string[], t: number): string => (keys.length === 0 ? '0' : keys.map((k) => at(k, t)).join('+'));
  const fieldLine = (field: YearField, unit: Unit, note: string, fn: (t: number) => CellSpec, extra: Partial<Line> = {}): void =>
    M.line({ key: field, unit, note, at: fn, cached: yearField(field), ...extra });
  const inSvc = (t: number): string => (own ? at('inService', t) : '1');
  const kOr0 = (t: number): string => `IF(${at('inService', t)}=1,${at('generationIndex', t)},0)`;

  // §3.1
  M.section('§3.1 Fleet and capacity');
  M.line({ key: 'fleetSize', unit: 'count', note: 'MODEL.md §3.1 N = itMW · 1000 / kWPerAccelerator (not rounded)', at: () => F('itMW*1000/kWPerAccelerator') });
  if (own) {
    M.line({ key: 'generationIndex', unit: 'index', note: 'MODEL.md §3.1 generation k in service in year t: k = INT((t − 1) / usefulLifeYears)', at: op((t) => F(`INT((${tc(t)}-1)/usefulLifeYears)`)) });
    M.line({
      key: 'inService',
      unit: 'flag',
      note: 'MODEL.md §3.1 accelerators in service: always with refresh, else only in the first usefulLifeYears years',
      at: op((t) => F(`IF(OR(refresh,${tc(t)}<=usefulLifeYears),1,0)`)),
    });
    fieldLine('generation', 'index', 'MODEL.md §3.1 the generation k in service (blank when none is)', op((t) => F(`IF(${at('inService', t)}=1,${at('generationIndex', t)},"")`)));
    fieldLine('accelerators', 'count', 'MODEL.md §3.1 N_t = N while a generation is in service, else 0', op((t) => F(`IF(${at('inService', t)}=1,${at('fleetSize', t)},0)`)));
  } else {
    fieldLine('generation', 'index', 'MODEL.md §3.1 rent mode: one generation (k = 0) in all years', op(() => 0));
    fieldLine('accelerators', 'count', 'MODEL.md §3.1 rent mode: N in every year', op((t) => F(at('fleetSize', t))));
  }
  M.line({
    key: 'throughput',
    unit: 'tps',
    note: 'MODEL.md §3.1 τ_t = tokensPerSecond · perfGainPerYear^(b_k) · g(softwareGainPerYear, t), b_k = k · usefulLifeYears the purchase year',
    at: op((t) => F(own ? `tokensPerSecond*perfGainPerYear^(${kOr0(t)}*usefulLifeYears)*${g('softwareGainPerYear', tc(t))}` : `tokensPerSecond*${g('softwareGainPerYear', tc(t))}`)),
  });
  fieldLine('capacityTokens', 'computeUnits', 'MODEL.md §3.1 C_t = N_t · τ_t · 3600 · H (compute units)', op((t) => F(`${at('accelerators', t)}*${at('throughput', t)}*3600*hoursPerYear`)));

  // §3.2
  M.section('§3.2 Demand, utilization and tokens');
  const shareKey = (sg: SegmentResult): string => `segments[${sg.id}].tokenShare`;
  for (const sg of segs) {
    M.line({ key: shareKey(sg), unit: 'share', note: `MODEL.md §3.2 share_i,t of segment ${sg.id} (input, by year)`, at: op((t) => F(yearOf(`${segName(sg.id)}_tokenShare`, tc(t)))), cached: segField(sg, 'tokenShare') });
  }
  M.line({ key: 'shareSum', unit: 'share', note: 'check: the token shares sum to 1 in every year (±1e-6), MODEL.md §2', at: op((t) => F(`SUM(${at(shareKey(segs[0] as SegmentResult), t)}:${at(shareKey(segs[segs.length - 1] as SegmentResult), t)})`)) });
  M.line({
    key: 'mixWeight',
    unit: 'ratio',
    note: 'MODEL.md §3.2 w_t = Σ_i share_i,t · computeIntensity_i',
    at: op((t) => F(segs.map((sg) => `${at(shareKey(sg), t)}*${segName(sg.id)}_computeIntensity`).join('+'))),
  });
  if (tokensMode) {
    M.line({ key: 'demandedTokens', unit: 'tokens', note: 'MODEL.md §3.2 D_t = tokensPerYear · g(growthPerYear, t)', at: op((t) => F(`tokensPerYear*${g('growthPerYear', tc(t))}`)) });
    M.line({
      key: 'servedCompute',
      unit: 'computeUnits',
      note: 'MODEL.md §3.2 tokens mode: U_t = MIN(D_t · w_t, maxUtilization · C_t)',
      at: op((t) => F(`MIN(${at('demandedTokens', t)}*${at('mixWeight', t)},maxUtilization*${at('capacityTokens', t)})`)),
    });
    fieldLine('utilization', 'share', 'MODEL.md §3.2 tokens mode: u_t = U_t / C_t (0 when C_t = 0)', op((t) => F(`IF(${at('capacityTokens', t)}=0,0,${at('servedCompute', t)}/${at('capacityTokens', t)})`)));
    fieldLine(
      'unmetTokens',
      'tokens',
      'MODEL.md §3.2 unmetTokens_t = D_t − U_t / w_t (0 below 1e-12 of D_t, as the engine)',
      op((t) => {
        const gap = `(${at('demandedTokens', t)}-${at('servedCompute', t)}/${at('mixWeight', t)})`;
        return F(`IF(${gap}>${at('demandedTokens', t)}*1E-12,${gap},0)`);
      }),
    );
  } else {
    fieldLine('utilization', 'share', 'MODEL.md §3.2 utilization mode: u_t = utilization_t (input, by year)', op((t) => F(yearOf('utilization', tc(t)))));
    M.line({ key: 'servedCompute', unit: 'computeUnits', note: 'MODEL.md §3.2 utilization mode: U_t = u_t · C_t', at: op((t) => F(`${at('utilization', t)}*${at('capacityTokens', t)}`)) });
    fieldLine('unmetTokens', 'tokens', 'MODEL.md §3.2 utilization mode has no unmet demand (blank)', () => null);
  }
  fieldLine('tokens', 'tokens', 'MODEL.md §3.2 tokens served Q_t = U_t / w_t', op((t) => F(`${at('servedCompute', t)}/${at('mixWeight', t)}`)), { bold: true });

  // §3.3
  M.section('§3.3 Revenue and strategic value, per segment');
  const sk = (sg: SegmentResult, f: string): string => `segments[${sg.id}].${f}`;
  segs.forEach((sg, i) => {
    const n = segName(sg.id);
    const kind = kinds[i] as PricingKind;
    M.section(`segment ${sg.id} — ${sg.label} (${sg.kind}, ${kind})`);
    M.line({ key: sk(sg, 'tokens'), unit: 'tokens', note: 'MODEL.md §3.2 Q_i,t = share_i,t · Q_t', at: op((t) => F(`${at(shareKey(sg), t)}*${at('tokens', t)}`)), cached: segField(sg, 'tokens') });
    M.line({ key: sk(sg, 'hiddenReasoningTokens'), unit: 'tokens', note: 'MODEL.md §3.2 hidden reasoning tokens Q_i,t · h_i', at: op((t) => F(`${at(sk(sg, 'tokens'), t)}*${n}_hiddenReasoningShare`)), cached: segField(sg, 'hiddenReasoningTokens') });
    M.line({
      key: sk(sg, 'billedTokens'),
      unit: 'tokens',
      note: 'MODEL.md §3.2 B_i,t = Q_i,t if reasoningBilled, else Q_i,t · (1 − h_i)',
      at: op((t) => F(`IF(${n}_reasoningBilled,${at(sk(sg, 'tokens'), t)},${at(sk(sg, 'tokens'), t)}*(1-${n}_hiddenReasoningShare))`)),
      cached: segField(sg, 'billedTokens'),
    });
    const B = (t: number): string => at(sk(sg, 'billedTokens'), t);
    let revenue: (t: number) => CellSpec = op(() => 0);
    let value: (t: number) => CellSpec = op(() => 0);
    let revenueNote = 'MODEL.md §3.3 no cash pricing: no revenue';
    let valueNote = 'MODEL.md §3.3 no imputed pricing: no strategic value';
    if (kind === 'perMTok') {
      revenue = op((t) => F(`${B(t)}*${n}_perMTok*${g(`${n}_changePerYear`, tc(t))}*(1-${n}_discount)/1000000`));
      revenueNote = 'MODEL.md §3.3 perMTok: R = B · perMTok · g(changePerYear, t) · (1 − discount) / 1e6';
    } else if (kind === 'subscription') {
      M.line({ key: sk(sg, 'tokensPerUserMonth'), unit: 'tokens', note: 'MODEL.md §3.3 TU_t = tokensPerUserMonth · g(usageGrowthPerYear, t)', at: op((t) => F(`${n}_tokensPerUserMonth*${g(`${n}_usageGrowthPerYear`, tc(t))}`)) });
      M.line({ key: sk(sg, 'users'), unit: 'users', note: 'MODEL.md §3.3 users_t = Q_i,t / (12 · TU_t)', at: op((t) => F(`${at(sk(sg, 'tokens'), t)}/(12*${at(sk(sg, 'tokensPerUserMonth'), t)})`)), cached: segField(sg, 'users') });
      revenue = op((t) => F(`${at(sk(sg, 'users'), t)}*12*${n}_arpuPerMonth*${g(`${n}_arpuChangePerYear`, tc(t))}`));
      revenueNote = 'MODEL.md §3.3 subscription: R = users_t · 12 · arpuPerMonth · g(arpuChangePerYear, t)';
    } else if (kind === 'perAcceleratorHour') {
      M.line({
        key: sk(sg, 'acceleratorHours'),
        unit: 'hours',
        note: 'MODEL.md §3.3 A = σ_i · u_t · N_t · H with compute share σ_i = share_i,t · k_i / w_t',
        at: op((t) => F(`(${at(shareKey(sg), t)}*${n}_computeIntensity/${at('mixWeight', t)})*${at('utilization', t)}*${at('accelerators', t)}*hoursPerYear`)),
        cached: segField(sg, 'acceleratorHours'),
      });
      revenue = op((t) =>
        F(`${at(sk(sg, 'acceleratorHours'), t)}*${n}_perAcceleratorHour*${g(`${n}_changePerYear`, tc(t))}${own ? `*${n}_techPremiumPerYear^(${kOr0(t)}*usefulLifeYears)` : ''}`),
      );
      revenueNote = 'MODEL.md §3.3 perAcceleratorHour: R = A · perAcceleratorHour · g(changePerYear, t) · techPremiumPerYear^(b_k)';
    } else if (kind === 'imputed') {
      value = op((t) => F(`${B(t)}*${n}_imputedPerMTok*${g(`${n}_changePerYear`, tc(t))}/1000000`));
      valueNote = 'MODEL.md §3.3 imputedPerMTok: V = B · imputedPerMTok · g(changePerYear, t) / 1e6 (not cash)';
    }
    const contract = capital ? s.demand.segments[i]?.contract : undefined;
    if (contract !== undefined && (kind === 'perMTok' || kind === 'perAcceleratorHour')) {
      // MODEL.md §9: the contract price for its term (less the expected credit loss), then market or nothing
      const market = revenue;
      M.line({ key: sk(sg, 'marketRevenue'), unit: 'usd', note: `${revenueNote} (the market price)`, at: market });
      const y = (t: number): string => `(startYear+${tc(t)}-1)`;
      const start = `${n}_contractStartYear`;
      const end = `(${n}_contractStartYear+${n}_contractTermYears-1)`;
      const active = (t: number): string => `AND(${y(t)}>=${start},${y(t)}<=${end})`;
      const volume = (t: number): string => (kind === 'perAcceleratorHour' ? at(sk(sg, 'acceleratorHours'), t) : `${B(t)}/1000000`);
      M.line({
        key: sk(sg, 'contractGross'),
        unit: 'usd',
        note: 'MODEL.md §9 while the contract runs: the volume served · price · (1 + escalation)^(year − startYear) (no tech premium, no discount)',
        at: op((t) => F(`IF(${active(t)},${volume(t)}*${n}_contractPrice*(1+${n}_contractEscalation)^(${y(t)}-${start}),0)`)),
      });
      M.line({ key: sk(sg, 'contractLoss'), unit: 'usd', note: 'MODEL.md §9 expected credit loss: contract revenue · counterpartyDefaultPerYear · (1 − recoveryRate)', at: op((t) => F(`${at(sk(sg, 'contractGross'), t)}*${n}_contractDefault*(1-${n}_contractRecovery)`)) });
      M.line({
        key: sk(sg, 'contractAtRisk'),
        unit: 'usd',
        note: 'MODEL.md §9 in the contract\'s last year: its revenue less the same volume at market (revenue at risk)',
        at: op((t) => F(`IF(AND(${active(t)},${y(t)}=${end}),${at(sk(sg, 'contractGross'), t)}-${at(sk(sg, 'marketRevenue'), t)},0)`)),
      });
      const none = contract.renewal === 'none';
      revenue = op((t) =>
        F(`IF(${active(t)},${at(sk(sg, 'contractGross'), t)}-${at(sk(sg, 'contractLoss'), t)},${none ? `IF(${y(t)}>${end},0,${at(sk(sg, 'marketRevenue'), t)})` : at(sk(sg, 'marketRevenue'), t)})`),
      );
      revenueNote = `MODEL.md §9 contracted: the contract revenue less the expected credit loss while it runs; ${contract.renewal === 'none' ? 'nothing after it (renewal: none)' : 'the market price before and after (renewal: market)'}`;
    }
    M.line({ key: sk(sg, 'revenue'), unit: 'usd', note: revenueNote, at: revenue, cached: segField(sg, 'revenue') });
    M.line({ key: sk(sg, 'strategicValue'), unit: 'usd', note: valueNote, at: value, cached: segField(sg, 'strategicValue') });
  });
  M.section('Totals');
  fieldLine('revenue', 'usd', 'MODEL.md §3.3 cash revenue R_t = Σ_i R_i,t', op((t) => F(sum(segs.map((sg) => sk(sg, 'revenue')), t))), { bold: true });
  fieldLine('strategicValue', 'usd', 'MODEL.md §3.3 strategic value V_t = Σ_i V_i,t (not cash)', op((t) => F(sum(segs.map((sg) => sk(sg, 'strategicValue')), t))));

  // §3.4
  M.section('§3.4 Costs');
  if (own) {
    M.line({
      key: 'energyMWh',
      unit: 'mwh',
      note: 'MODEL.md §3.4 MWh_t = itMW · pue · (idle + (1 − idle) · u_t) · H, while accelerators are in service',
      at: op((t) => F(`IF(${inSvc(t)}=1,itMW*pue*(powerIdleFraction+(1-powerIdleFraction)*${at('utilization', t)})*hoursPerYear,0)`)),
    });
    fieldLine('power', 'usd', 'MODEL.md §3.4 power_t = MWh_t · pricePerMWh · g(escalationPerYear, t)', op((t) => F(`${at('energyMWh', t)}*powerPricePerMWh*${g('powerEscalationPerYear', tc(t))}`)));
  } else {
    fieldLine('power', 'usd', 'MODEL.md §3.4 rent mode: no power bill of its own', op(() => 0));
  }
  if (facility === 'lease') {
    fieldLine('lease', 'usd', 'MODEL.md §3.4 lease_t = itMW · 1000 · leasePerKWMonth · 12 · g(escalationPerYear, t), every year', op((t) => F(`itMW*1000*leasePerKWMonth*12*${g('leaseEscalationPerYear', tc(t))}`)));
  } else {
    fieldLine('lease', 'usd', `MODEL.md §3.4 facility mode ${facility}: no lease`, op(() => 0));
  }
  if (!own) {
    fieldLine('rent', 'usd', 'MODEL.md §3.4 rent_t = N · H · rentPerAcceleratorHour · g(rentChangePerYear, t), every year', op((t) => F(`${at('fleetSize', t)}*hoursPerYear*rentPerAcceleratorHour*${g('rentChangePerYear', tc(t))}`)));
  } else {
    fieldLine('rent', 'usd', 'MODEL.md §3.4 own mode: no compute rent', op(() => 0));
  }

  // generations (own mode): one block each
  const gk = (k: number, f: string): string => `gen${k}.${f}`;
  /** k · usefulLifeYears as a formula: the t at which generation k is bought */
  const kL = (k: number): string => (k === 0 ? '0' : k === 1 ? 'usefulLifeYears' : `${k}*usefulLifeYears`);
  for (let k = 0; k < G; k++) {
    const spendAt = kL(k);
    const start = k === 0 ? '1' : `(${spendAt}+1)`;
    const retire = kL(k + 1);
    M.section(`generation ${k}: bought at t = ${k === 0 ? '0' : `${k}·L`}, in service in years ${k === 0 ? '1' : `${k}·L + 1`} … ${k + 1 === 1 ? '' : `${k + 1}·`}L (L = usefulLifeYears)`);
    M.line({
      key: gk(k, 'capex'),
      unit: 'usd',
      note:
        k === 0
          ? 'MODEL.md §3.1 K_0 = N · capexPerAccelerator'
          : `MODEL.md §3.1 K_${k} = N · capexPerAccelerator · capexChangePerYear^(b_${k}), b_${k} = ${k}·usefulLifeYears, if refresh and s_${k} = b_${k} + 1 ≤ horizon (else 0)`,
      at: (t) =>
        F(k === 0 ? `${at('fleetSize', t)}*capexPerAccelerator` : `${at('fleetSize', t)}*capexPerAccelerator*capexChangePerYear^(${spendAt})*IF(AND(refresh,${start}<=horizonYears),1,0)`),
    });
    M.line({
      key: gk(k, 'inService'),
      unit: 'flag',
      note: `MODEL.md §3.1 generation ${k} in service in years s_${k} … s_${k} + usefulLifeYears − 1`,
      at: op((t) => F(k === 0 ? `IF(${tc(t)}<=usefulLifeYears,1,0)` : `IF(AND(refresh,${tc(t)}>=${start},${tc(t)}<=${retire}),1,0)`)),
    });
    M.line({ key: gk(k, 'capexSpent'), unit: 'usd', note: `MODEL.md §3.1 K_${k} is spent at t = s_${k} − 1`, at: (t) => F(`IF(${tc(t)}=${spendAt},${at(gk(k, 'capex'), t)},0)`) });
    M.line({
      key: gk(k, 'depreciationPerYear'),
      unit: 'usd',
      note: 'MODEL.md §3.4 straight line: K_k · (1 − residualValue) / depreciationYears a year',
      at: (t) => F(`${at(gk(k, 'capex'), t)}*(1-residualValue)/depreciationYears`),
    });
    M.line({
      key: gk(k, 'depreciation'),
      unit: 'usd',
      note: 'MODEL.md §3.4 depreciated in years s_k … s_k + D − 1, and never after it retires (s_k + L − 1)',
      at: op((t) => F(`IF(AND(${tc(t)}>=${start},${tc(t)}<=${start}+MIN(depreciationYears,usefulLifeYears)-1),${at(gk(k, 'depreciationPerYear'), t)},0)`)),
    });
    M.line({
      key: gk(k, 'residual'),
      unit: 'usd',
      note: 'MODEL.md §3.4 sold at retirement (end of s_k + L − 1, within the horizon) for residualValue · K_k',
      at: op((t) => F(`IF(${tc(t)}=${retire},residualValue*${at(gk(k, 'capex'), t)},0)`)),
    });
    M.line({
      key: gk(k, 'writeOff'),
      unit: 'usd',
      note: 'MODEL.md §3.4 at retirement writeOff = NBV − residualValue · K_k (0 when D ≤ L)',
      at: op((t) =>
        F(`IF(${tc(t)}=${retire},MAX(0,${at(gk(k, 'capex'), t)}-${at(gk(k, 'depreciationPerYear'), t)}*MIN(usefulLifeYears,depreciationYears)-residualValue*${at(gk(k, 'capex'), t)}),0)`),
      ),
    });
    M.line({
      key: gk(k, 'bookValue'),
      unit: 'usd',
      note: 'MODEL.md §3.6 net book value at the end of t: bought (t ≥ s_k − 1) and not yet sold',
      at: (t) =>
        F(
          `IF(${k === 0 ? `${tc(t)}>=${retire}` : `OR(${tc(t)}<${spendAt},${tc(t)}>=${retire})`},0,${at(gk(k, 'capex'), t)}-${at(gk(k, 'depreciationPerYear'), t)}*MAX(0,MIN(${k === 0 ? tc(t) : `${tc(t)}-${spendAt}`},depreciationYears,usefulLifeYears)))`,
        ),
    });
  }
  if (facility === 'own') {
    M.section('owned facility');
    M.line({ key: 'facility.capex', unit: 'usd', note: 'MODEL.md §3.4 facility capex = capexPerMW · itMW, spent at t = 0', at: (t) => (t === 0 ? F('facilityCapexPerMW*itMW') : 0) });
    const fcRef = (): string => `$${col(0)}$${M.r('facility.capex')}`;
    M.line({
      key: 'facility.depreciation',
      unit: 'usd',
      note: 'MODEL.md §3.4 capexPerMW · itMW / lifeYears a year for lifeYears years',
      at: op((t) => F(`IF(${tc(t)}<=facilityLifeYears,${fcRef()}/facilityLifeYears,0)`)),
    });
    M.line({ key: 'facility.bookValue', unit: 'usd', note: 'MODEL.md §3.6 facility net book value at the end of t', at: (t) => F(`${fcRef()}-${fcRef()}/facilityLifeYears*MIN(${tc(t)},facilityLifeYears)`) });
  }
  M.section('Cost lines');
  const gens = Array.from({ length: G }, (_, k) => k);
  fieldLine(
    'maintenance',
    'usd',
    'MODEL.md §3.4 maintenancePctPerYear · K_k of the generation in service',
    op((t) => (own ? F(`maintenancePctPerYear*(${gens.map((k) => `${at(gk(k, 'capex'), t)}*${at(gk(k, 'inService'), t)}`).join('+')})`) : 0)),
  );
  fieldLine('fixedOpex', 'usd', 'MODEL.md §3.4 fixedPerMWYear · itMW, every year', op(() => F('fixedPerMWYear*itMW')));
  fieldLine('otherCost', 'usd', 'MODEL.md §3.4 per-token cost otherCostPerMTok · Q_t / 1e6', op((t) => F(`otherCostPerMTok*${at('tokens', t)}/1000000`)));
  const depKeys = [...gens.map((k) => gk(k, 'depreciation')), ...(facility === 'own' ? ['facility.depreciation'] : [])];
  fieldLine('depreciation', 'usd', 'MODEL.md §3.4 depreciation: IT generations + owned facility', op((t) => (depKeys.length === 0 ? 0 : F(sum(depKeys, t)))));
  fieldLine('writeOff', 'usd', 'MODEL.md §3.4 write-offs of the generations retiring this year', op((t) => (G === 0 ? 0 : F(sum(gens.map((k) => gk(k, 'writeOff')), t)))));
  fieldLine(
    'cogs',
    'usd',
    'MODEL.md §3.4 COGS_t = power + lease + rent + maintenance + fixed opex + per-token cost + depreciation',
    op((t) => F(sum(['power', 'lease', 'rent', 'maintenance', 'fixedOpex', 'otherCost', 'depreciation'], t))),
    { bold: true },
  );
  M.line({ key: 'costPerComputeUnit', unit: 'usdPerUnit', note: 'MODEL.md §3.5 c_t = COGS_t / U_t (blank when U_t = 0)', at: op((t) => F(`IF(${at('servedCompute', t)}=0,"",${at('cogs', t)}/${at('servedCompute', t)})`)) });

  // §3.5
  M.section('§3.5 Profit');
  fieldLine('grossProfit', 'usd', 'MODEL.md §3.5 grossProfit_t = R_t − COGS_t', op((t) => F(`${at('revenue', t)}-${at('cogs', t)}`)), { bold: true });
  fieldLine('grossMargin', 'share', 'MODEL.md §3.5 grossMargin_t = grossProfit_t / R_t (blank when R_t = 0)', op((t) => F(`IF(${at('revenue', t)}=0,"",${at('grossProfit', t)}/${at('revenue', t)})`)));
  fieldLine('ebitda', 'usd', 'MODEL.md §3.5 ebitda_t = R_t − opexCash_t, opexCash_t = COGS_t − depreciation_t', op((t) => F(`${at('revenue', t)}-(${at('cogs', t)}-${at('depreciation', t)})`)));
  fieldLine('ebit', 'usd', 'MODEL.md §3.5 ebit_t = ebitda_t − depreciation_t − writeOff_t', op((t) => F(`${at('ebitda', t)}-${at('depreciation', t)}-${at('writeOff', t)}`)));

  M.section('§3.5 Per-segment margin and the funnel');
  segs.forEach((sg) => {
    const c = (t: number): string => at('costPerComputeUnit', t);
    M.line({
      key: sk(sg, 'cost'),
      unit: 'usd',
      note: 'MODEL.md §3.5 allocated cost k_i · c_t · Q_i,t',
      at: op((t) => F(`IF(${c(t)}="",IF(${at(sk(sg, 'tokens'), t)}=0,0,""),${segName(sg.id)}_computeIntensity*${c(t)}*${at(sk(sg, 'tokens'), t)})`)),
      cached: segField(sg, 'cost'),
    });
    M.line({
      key: sk(sg, 'grossProfit'),
      unit: 'usd',
      note: 'MODEL.md §3.5 R_i,t − cost_i,t',
      at: op((t) => F(`IF(${at(sk(sg, 'cost'), t)}="","",${at(sk(sg, 'revenue'), t)}-${at(sk(sg, 'cost'), t)})`)),
      cached: segField(sg, 'grossProfit'),
    });
    M.line({
      key: sk(sg, 'grossMargin'),
      unit: 'share',
      note: 'MODEL.md §3.5 m_i,t = (R_i,t − cost_i,t) / R_i,t (blank when R_i,t = 0)',
      at: op((t) => F(`IF(OR(${at(sk(sg, 'cost'), t)}="",${at(sk(sg, 'revenue'), t)}=0),"",(${at(sk(sg, 'revenue'), t)}-${at(sk(sg, 'cost'), t)})/${at(sk(sg, 'revenue'), t)})`)),
      cached: segField(sg, 'grossMargin'),
    });
    M.line({ key: sk(sg, 'monetizable'), unit: 'flag', note: 'MODEL.md §3.5 monetizable: R_i,t > 0', at: op((t) => F(`IF(${at(sk(sg, 'revenue'), t)}>0,1,0)`)), cached: segField(sg, 'monetizable') });
    M.line({
      key: sk(sg, 'profitable'),
      unit: 'flag',
      note: 'MODEL.md §3.5 profitable: monetizable and m_i,t ≥ minMargin',
      at: op((t) => F(`IF(${at(sk(sg, 'monetizable'), t)}=1,IF(${at(sk(sg, 'grossMargin'), t)}="",0,IF(${at(sk(sg, 'grossMargin'), t)}>=minMargin,1,0)),0)`)),
      cached: segField(sg, 'profitable'),
    });
  });
  const cashSegs = segs.filter((_, i) => isCashPricing(kinds[i] as PricingKind));
  fieldLine('billedTokens', 'tokens', 'MODEL.md §3.5 billed tokens of the cash segments', op((t) => F(sum(cashSegs.map((sg) => sk(sg, 'billedTokens')), t))));
  fieldLine('hiddenReasoningTokens', 'tokens', 'MODEL.md §3.5 hidden reasoning tokens, all segments', op((t) => F(sum(segs.map((sg) => sk(sg, 'hiddenReasoningTokens')), t))));
  fieldLine('monetizableTokens', 'tokens', 'MODEL.md §3.5 Σ Q_i,t over segments with R_i,t > 0', op((t) => F(segs.map((sg) => `${at(sk(sg, 'tokens'), t)}*${at(sk(sg, 'monetizable'), t)}`).join('+'))));
  fieldLine('profitableTokens', 'tokens', 'MODEL.md §3.5 Σ Q_i,t over monetizable segments with m_i,t ≥ minMargin', op((t) => F(segs.map((sg) => `${at(sk(sg, 'tokens'), t)}*${at(sk(sg, 'profitable'), t)}`).join('+'))));
  fieldLine('strategicTokens', 'tokens', 'MODEL.md §3.5 Σ Q_i,t over segments with V_i,t > 0', op((t) => F(segs.map((sg) => `${at(sk(sg, 'tokens'), t)}*IF(${at(sk(sg, 'strategicValue'), t)}>0,1,0)`).join('+'))));
  M.section('§3.5 Per MW and per M tokens');
  fieldLine('revenuePerMW', 'usdPerMW', 'MODEL.md §3.5 R_t / itMW', op((t) => F(`${at('revenue', t)}/itMW`)));
  fieldLine('grossProfitPerMW', 'usdPerMW', 'MODEL.md §3.5 grossProfit_t / itMW', op((t) => F(`${at('grossProfit', t)}/itMW`)));
  fieldLine('ebitdaPerMW', 'usdPerMW', 'MODEL.md §3.5 ebitda_t / itMW', op((t) => F(`${at('ebitda', t)}/itMW`)));
  fieldLine('strategicRevenuePerMW', 'usdPerMW', 'MODEL.md §3.5 (R_t + V_t) / itMW', op((t) => F(`(${at('revenue', t)}+${at('strategicValue', t)})/itMW`)));
  fieldLine('costPerMTok', 'usdPerMTok', 'MODEL.md §3.5 COGS_t / Q_t · 1e6 (blank when Q_t = 0)', op((t) => F(`IF(${at('tokens', t)}=0,"",${at('cogs', t)}/${at('tokens', t)}*1000000)`)));
  fieldLine(
    'realizedPricePerMTok',
    'usdPerMTok',
    'MODEL.md §3.5 R_t / billedTokens_t · 1e6 (blank when no billed tokens)',
    op((t) => F(`IF(${at('billedTokens', t)}=0,"",${at('revenue', t)}/${at('billedTokens', t)}*1000000)`)),
  );

  // §3.6
  M.section('§3.6 Tax, cash flows and payback');
  M.line({
    key: 'taxPool',
    unit: 'usd',
    note: 'MODEL.md §3.6 loss carry-forward pool P at the end of t: ebit < 0 adds −ebit; else P = MAX(0, P − ebit)',
    at: (t) => (t === 0 ? 0 : F(`IF(${at('ebit', t)}<0,${prev('taxPool', t)}-${at('ebit', t)},MAX(0,${prev('taxPool', t)}-${at('ebit', t)}))`)),
  });
  fieldLine('tax', 'usd', 'MODEL.md §3.6 tax_t = taxRate · MAX(0, ebit_t − P_{t−1}) (0 when ebit_t < 0)', op((t) => F(`IF(${at('ebit', t)}<0,0,taxRate*MAX(0,${at('ebit', t)}-${prev('taxPool', t)}))`)));
  const capexKeys = [...gens.map((k) => gk(k, 'capexSpent')), ...(facility === 'own' ? ['facility.capex'] : [])];
  fieldLine('capex', 'usd', 'MODEL.md §3.6 capex at t: IT generations bought at t, plus the owned facility at t = 0', (t) => (capexKeys.length === 0 ? 0 : F(sum(capexKeys, t))));
  fieldLine('residual', 'usd', 'MODEL.md §3.6 residual proceeds of the generations retiring at t', op((t) => (G === 0 ? 0 : F(sum(gens.map((k) => gk(k, 'residual')), t)))));
  const bookKeys = [...gens.map((k) => gk(k, 'bookValue')), ...(facility === 'own' ? ['facility.bookValue'] : [])];
  M.line({ key: 'bookValue', unit: 'usd', note: 'MODEL.md §3.6 net book value (IT generations held + owned facility) at the end of t', at: (t) => (bookKeys.length === 0 ? 0 : F(sum(bookKeys, t))) });
  fieldLine(
    'terminalValue',
    'usd',
    'MODEL.md §3.6 terminal value at T: the book value at the end of T (bookValue), or 0 (none)',
    op((t) => (t === T ? F(`IF(terminalValue="bookValue",${at('bookValue', t)},0)`) : 0)),
  );
  // §3.6 the lease and rent payments due after T under their terms, owed at T: a geometric sum
  // Σ_{j=T+1..term} P_1·a^(j−1)/(1+r)^(j−T) = P_1·a^T/(1+r) · (1 − q^n)/(1 − q), q = a/(1+r), n = term − T
  // MODEL.md §9: with a capital stack, the Debt sheet's draw-weighted rate (a cell read once the sheets are laid out)
  const D = capital
    ? debtLines({
        result,
        names: capitalNames,
        T,
        G,
        own,
        facility,
        col,
        tc,
        m: (key, t) => `Model!${at(key, t)}`,
        mAbs: (key, t) => `Model!$${col(t)}$${M.r(key)}`,
        mHas: (key) => M.has(key),
        kL,
      })
    : undefined;
  const dbt = (key: string, t: number): string => `Debt!${col(t)}${(D as NonNullable<typeof D>).r(key)}`;
  const commitRate = (): string => (capital ? `Debt!$${col(0)}$${(D as NonNullable<typeof D>).r('commitmentRate')}` : debt ? 'debtRate' : 'wacc');
  const owedAfter = (p1: string, esc: string, term: string, t: number): string => {
    const n = `(${term}-${tc(t)})`;
    const q = `((1+${esc})/(1+${commitRate()}))`;
    return `IF(${n}<=0,0,${p1}*(1+${esc})^${tc(t)}/(1+${commitRate()})*IF(ABS(${q}-1)<1E-15,${n},(1-${q}^${n})/(1-${q})))`;
  };
  fieldLine(
    'commitmentsAfterHorizon',
    'usd',
    `MODEL.md §3.6 lease and rent payments due after T under their committed terms, owed at T: Σ_{j>T} payment_j / (1 + r)^(j − T), r = ${capital ? 'the tranches\' draw-weighted year-1 rate (Debt)' : debt ? 'the debt rate' : 'wacc (no debt)'}`,
    op((t) => {
      if (t !== T) return 0;
      const parts: string[] = [];
      if (facility === 'lease') parts.push(owedAfter('itMW*1000*leasePerKWMonth*12', 'leaseEscalationPerYear', 'leaseTermYears', t));
      if (!own) parts.push(owedAfter(`${at('fleetSize', t)}*hoursPerYear*rentPerAcceleratorHour`, 'rentChangePerYear', 'rentTermYears', t));
      return parts.length === 0 ? 0 : F(parts.join('+'));
    }),
  );
  fieldLine(
    'fcf',
    'usd',
    'MODEL.md §3.6 fcf_0 = −capex_0; fcf_t = ebitda_t − tax_t − capex_t + residual_t (+ terminal − commitments after the horizon, at T)',
    (t) => F(t === 0 ? `-${at('capex', 0)}` : `${at('ebitda', t)}-${at('tax', t)}-${at('capex', t)}+${at('residual', t)}+${at('terminalValue', t)}-${at('commitmentsAfterHorizon', t)}`),
    { bold: true },
  );
  fieldLine('cumulativeFcf', 'usd', 'MODEL.md §3.6 cumulative fcf', (t) => F(t === 0 ? at('fcf', 0) : `${prev('cumulativeFcf', t)}+${at('fcf', t)}`));
  M.line({ key: 'discountedFcf', unit: 'usd', note: 'MODEL.md §3.6 fcf_t / (1 + wacc)^t', at: (t) => F(`${at('fcf', t)}/(1+wacc)^${tc(t)}`) });
  M.line({ key: 'cumulativeDiscountedFcf', unit: 'usd', note: 'cumulative discounted fcf', at: (t) => F(t === 0 ? at('discountedFcf', 0) : `${prev('cumulativeDiscountedFcf', t)}+${at('discountedFcf', t)}`) });
  const crossing = (cum: string, flow: string) => (t: number): string =>
    `IF(${at(cum, t)}>=0,IF(${prev(cum, t)}>=0,${tc(t)}-1,${tc(t)}-1+(-${prev(cum, t)})/${at(flow, t)}),"")`;
  M.line({
    key: 'paybackCandidate',
    unit: 'years',
    note: 'MODEL.md §3.6 where cumulative fcf ≥ 0: t − 1 + (−cum_{t−1}) / fcf_t (t − 1 if already ≥ 0); payback is the first, i.e. the smallest',
    at: op((t) => F(crossing('cumulativeFcf', 'fcf')(t))),
  });
  M.line({ key: 'discountedPaybackCandidate', unit: 'years', note: 'MODEL.md §3.6 the same on discounted flows', at: op((t) => F(crossing('cumulativeDiscountedFcf', 'discountedFcf')(t))) });

  M.section('§3.6 Debt');
  const loans = debt && !capital ? gens : [];
  const lk = (k: number, f: string): string => `loan${k}.${f}`;
  for (const k of loans) {
    const spendAt = kL(k);
    const since = (t: number): string => (k === 0 ? tc(t) : `(${tc(t)}-${spendAt})`);
    M.line({
      key: lk(k, 'amount'),
      unit: 'usd',
      note: `MODEL.md §3.6 the loan of capex event ${k}: debt share · capex${k === 0 && facility === 'own' ? ' (generation 0 and the facility)' : ` (generation ${k})`}`,
      at: (t) => F(`debtShare*(${at(gk(k, 'capex'), t)}${k === 0 && facility === 'own' ? `+$${col(0)}$${M.r('facility.capex')}` : ''})`),
    });
    M.line({ key: lk(k, 'draw'), unit: 'usd', note: 'MODEL.md §3.6 drawn with its capex', at: (t) => F(`IF(${tc(t)}=${spendAt},${at(lk(k, 'amount'), t)},0)`) });
    M.line({
      key: lk(k, 'principal'),
      unit: 'usd',
      note: 'MODEL.md §3.6 straight: loan / termYears in each of the termYears years after the draw; bullet: all at the end of the term',
      at: op((t) =>
        F(
          `IF(AND(${tc(t)}>${spendAt},${tc(t)}<=${spendAt}+debtTermYears),IF(debtAmortization="bullet",IF(${tc(t)}=${spendAt}+debtTermYears,${at(lk(k, 'amount'), t)},0),${at(lk(k, 'amount'), t)}/debtTermYears),0)`,
        ),
      ),
    });
    M.line({
      key: lk(k, 'outstanding'),
      unit: 'usd',
      note: 'MODEL.md §3.6 outstanding at the end of t, after the scheduled repayment',
      at: (t) =>
        F(`IF(${tc(t)}<${spendAt},0,${at(lk(k, 'amount'), t)}*IF(debtAmortization="bullet",IF(${since(t)}<debtTermYears,1,0),MAX(0,1-${since(t)}/debtTermYears)))`),
    });
  }
  const noDebt = (note: string) => note + (debt ? '' : ' — this scenario has no debt (re-export to add it)');
  if (capital) {
    fieldLine('draws', 'usd', 'MODEL.md §9 the draws of every tranche (Debt)', (t) => F(dbt('total.draws', t)));
    fieldLine('debtOutstanding', 'usd', 'MODEL.md §9 debt outstanding at the end of t, every tranche (Debt)', (t) => F(dbt('total.outstanding', t)));
    fieldLine('interest', 'usd', 'MODEL.md §9 interest of every tranche (Debt)', op((t) => F(dbt('total.interest', t))));
    fieldLine('principal', 'usd', 'MODEL.md §9 principal = due + balloons − refinanced + sweep, every tranche (Debt)', op((t) => F(dbt('total.principal', t))));
  } else {
    fieldLine('draws', 'usd', noDebt('MODEL.md §3.6 every capex event draws share · capex'), (t) => (loans.length === 0 ? 0 : F(sum(loans.map((k) => lk(k, 'draw')), t))));
    fieldLine('debtOutstanding', 'usd', noDebt('MODEL.md §3.6 debt outstanding at the end of t'), (t) => (loans.length === 0 ? 0 : F(sum(loans.map((k) => lk(k, 'outstanding')), t))));
    fieldLine('interest', 'usd', noDebt('MODEL.md §3.6 interest_t = rate · outstanding at the end of t − 1'), op((t) => (debt ? F(`debtRate*${prev('debtOutstanding', t)}`) : 0)));
    fieldLine('principal', 'usd', noDebt('MODEL.md §3.6 scheduled principal repayments at t'), op((t) => (loans.length === 0 ? 0 : F(sum(loans.map((k) => lk(k, 'principal')), t)))));
  }
  fieldLine('debtRepaidAtHorizon', 'usd', noDebt('MODEL.md §3.6 debt still outstanding at T is repaid at T (not part of principal_T)'), op((t) => (t === T && debt ? F(at('debtOutstanding', t)) : 0)));
  // levered profit: ebit − interest (with a capital stack, less the interest during construction deducted with generation 0)
  const lev = (t: number): string => `${at('ebit', t)}-${at('interest', t)}${capital ? `-${dbt('idcDep', t)}` : ''}`;
  M.line({
    key: 'leveredTaxPool',
    unit: 'usd',
    note: `MODEL.md §3.6 the levered carry-forward pool, on ebit_t − interest_t${capital ? ' − the interest during construction deducted in t (§9)' : ''}`,
    at: (t) => (t === 0 ? 0 : F(`IF(${lev(t)}<0,${prev('leveredTaxPool', t)}-(${lev(t)}),MAX(0,${prev('leveredTaxPool', t)}-(${lev(t)})))`)),
  });
  fieldLine(
    'leveredTax',
    'usd',
    `MODEL.md §3.6 levered tax on ebit_t − interest_t${capital ? ' − the interest during construction deducted in t (§9)' : ''} with its own carry-forward pool`,
    op((t) => F(`IF(${lev(t)}<0,0,taxRate*MAX(0,${lev(t)}-${prev('leveredTaxPool', t)}))`)),
  );
  fieldLine(
    'equityCashFlow',
    'usd',
    'MODEL.md §3.6 eq_t = ebitda − leveredTax − capex + draws − interest − principal + residual (+ terminal − debt repaid − commitments after the horizon, at T)',
    (t) =>
      F(
        t === 0
          ? `${at('draws', 0)}-${at('capex', 0)}`
          : `${at('ebitda', t)}-${at('leveredTax', t)}-${at('capex', t)}+${at('draws', t)}-${at('interest', t)}-${at('principal', t)}+${at('residual', t)}+${at('terminalValue', t)}-${at('debtRepaidAtHorizon', t)}-${at('commitmentsAfterHorizon', t)}`,
      ),
    { bold: true },
  );
  if (capital) {
    fieldLine('dscr', 'ratio', 'MODEL.md §9 dscr_t = ebitda_t / (interest_t + principal due + balloons − refinanced): the sweep is not debt service (Debt)', op((t) => F(`IF(${dbt('total.service', t)}>0,${at('ebitda', t)}/${dbt('total.service', t)},"")`)));
  } else {
    fieldLine('dscr', 'ratio', 'MODEL.md §3.6 dscr_t = ebitda_t / (interest_t + principal_t) in years with debt service (else blank)', op((t) => F(`IF(${at('interest', t)}+${at('principal', t)}>0,${at('ebitda', t)}/(${at('interest', t)}+${at('principal', t)}),"")`)));
  }
  fieldLine(
    'ltv',
    'share',
    noDebt('MODEL.md §3.6 ltv_t = debt outstanding / (IT + facility book value) at the end of t (blank when that book value is 0)'),
    op((t) => (debt ? F(`IF(${at('bookValue', t)}=0,"",${at('debtOutstanding', t)}/${at('bookValue', t)})`) : null)),
  );

  M.section('§3.6 Commitments');
  const remaining = (a: string, e: string, n: string, t: string): string => `IF(${t}>=${n},0,IF(${e}=0,${a}*(${n}-${t}),${a}*((1+${e})^${n}-(1+${e})^${t})/${e}))`;
  const leaseA = 'itMW*1000*leasePerKWMonth*12';
  const rentA = (t: number): string => `${at('fleetSize', t)}*hoursPerYear*rentPerAcceleratorHour`;
  M.line({
    key: 'leaseCommitmentRemaining',
    unit: 'usd',
    note: 'MODEL.md §3.6 facility lease payments of years t + 1 … termYears (past T too): a geometric sum of lease_j',
    at: op((t) => (facility === 'lease' ? F(remaining(leaseA, 'leaseEscalationPerYear', 'leaseTermYears', tc(t))) : 0)),
  });
  M.line({
    key: 'rentCommitmentRemaining',
    unit: 'usd',
    note: 'MODEL.md §3.6 compute rent of years t + 1 … rentTermYears (past T too): a geometric sum of rent_j',
    at: op((t) => (!own ? F(remaining(rentA(t), 'rentChangePerYear', 'rentTermYears', tc(t))) : 0)),
  });
  fieldLine('commitmentRemaining', 'usd', 'MODEL.md §3.6 commitmentRemaining_t: what of the lease and rent commitments is still due after year t', op((t) => F(`${at('leaseCommitmentRemaining', t)}+${at('rentCommitmentRemaining', t)}`)));

  const wsM = wb.addWorksheet('Model', { views: [{ state: 'frozen', xSplit: 2, ySplit: 2 }] });
  wsM.columns = [{ width: 44 }, { width: 20 }, ...Array.from({ length: T + 1 }, () => ({ width: 17 }))];
  const h1 = wsM.getRow(1);
  const h2 = wsM.getRow(2);
  h1.getCell(1).value = 'line';
  h1.getCell(2).value = 'unit';
  h2.getCell(1).value = 't';
  h2.getCell(1).note = 'MODEL.md §1: t = 0 is the build (capex is spent); operating years are t = 1..T; year t is calendar year startYear + t − 1';
  for (let t = 0; t <= T; t++) {
    h1.getCell(FIRST_COL + t).value = t === 0 ? `${s.horizon.startYear - 1} (build)` : String(s.horizon.startYear + t - 1);
    h2.getCell(FIRST_COL + t).value = t;
  }
  styleHeader(h1);
  styleHeader(h2);
  M.layout(3);
  D?.layout(3);
  writeLines(wsM, M, FIRST_COL, T);
  finishSheet(wsM, '1:2');

  // ---- Debt (MODEL.md §9): the capital stack's tranches and loans, the maturity wall, covenants, contracts
  if (D !== undefined) {
    const wsD = wb.addWorksheet('Debt', { views: [{ state: 'frozen', xSplit: 2, ySplit: 2 }] });
    wsD.columns = [{ width: 52 }, { width: 20 }, ...Array.from({ length: T + 1 }, () => ({ width: 17 }))];
    const d1 = wsD.getRow(1);
    const d2 = wsD.getRow(2);
    d1.getCell(1).value = 'line';
    d1.getCell(2).value = 'unit';
    d2.getCell(1).value = 't';
    for (let t = 0; t <= T; t++) {
      d1.getCell(FIRST_COL + t).value = t === 0 ? `${s.horizon.startYear - 1} (build)` : String(s.horizon.startYear + t - 1);
      d2.getCell(FIRST_COL + t).value = t;
    }
    styleHeader(d1);
    styleHeader(d2);
    writeLines(wsD, D, FIRST_COL, T);
    finishSheet(wsD, '1:2');
  }

  // ---- Summary
  const S = new Rows('Summary');
  // a Summary cell by key; resolved when the sheet is written, after every line is laid out
  const sv = (key: string): string => `@@${key}@@`;
  const resolveSv = (spec: CellSpec): CellSpec =>
    spec === null || typeof spec === 'number' ? spec : F(spec.f.replace(/@@([A-Za-z]+)@@/g, (_, key: string) => `$B$${S.r(key)}`));
  const sumField = (field: SummaryField) => (): Cached => result.summary[field];
  const perMwAvg = (field: YearField): string => {
    const acc = span('accelerators');
    return `IF(COUNTIF(${acc},">0")=0,"",AVERAGEIF(${acc},">0",${span(field)}))`;
  };
  const sline = (field: SummaryField, unit: Unit, note: string, formula: string | null): void =>
    S.line({ key: field, unit, note, at: () => (formula === null ? null : F(formula)), cached: sumField(field), bold: field === 'npv' || field === 'irr' });
  S.section('Returns (MODEL.md §3.6–3.7)');
  sline('npv', 'usd', 'NPV(wacc, fcf_1..fcf_T) + fcf_0 — the spreadsheet discounts from t = 1', `NPV(wacc,${span('fcf')})+Model!$${col(0)}$${M.r('fcf')}`);
  // The spreadsheet's IRR is Newton's method from a guess: it starts from the engine's IRR at export (the
  // root the engine chose, MODEL.md §3.6), else from MIRR(flows, 0, 0), which lands near deep negative rates.
  const irrOf = (key: string, start: string): string => {
    const r = span(key, 0);
    return `IFERROR(IRR(${r},${sv(start)}),IFERROR(IRR(${r},MIRR(${r},0,0)),""))`;
  };
  sline('irr', 'share', "IRR(fcf_0..fcf_T) started from irrStart, then from MIRR(fcf, 0, 0); blank when there is none (the engine's null)", irrOf('fcf', 'irrStart'));
  sline('equityIrr', 'share', 'IRR of the equity cash flows, started likewise; blank when there is none', irrOf('equityCashFlow', 'equityIrrStart'));
  const start = (key: string, value: number | null, flows: string): void =>
    S.line({
      key,
      unit: 'share',
      note: `where the spreadsheet's IRR of ${flows} starts its search: the engine's value at export (any rate near the answer will do)`,
      at: () => (value === null ? 0.1 : value),
    });
  start('irrStart', result.summary.irr, 'fcf');
  start('equityIrrStart', result.summary.equityIrr, 'the equity cash flows');
  // a rented fleet (the fleet mode is structure: a re-export) has no capex to pay back, and says so as the CLI and the report do
  const noCapex = s.fleet.mode === 'rent' ? `"${RENTED_PAYBACK}"` : '0';
  sline(
    'paybackYears',
    'years',
    `first t with cumulative fcf ≥ 0, interpolated (the smallest crossing on Model); ${s.fleet.mode === 'rent' ? `"${RENTED_PAYBACK}"` : '0'} without capex; "${NEVER}" if never`,
    `IF(${sv('totalCapex')}=0,${noCapex},IF(COUNT(${span('paybackCandidate')})=0,"${NEVER}",MIN(${span('paybackCandidate')})))`,
  );
  sline(
    'discountedPaybackYears',
    'years',
    `the same on discounted flows ("${NEVER}" if never)`,
    `IF(${sv('totalCapex')}=0,${noCapex},IF(COUNT(${span('discountedPaybackCandidate')})=0,"${NEVER}",MIN(${span('discountedPaybackCandidate')})))`,
  );
  sline('peakFunding', 'usd', '−MIN(cumulative fcf), at least 0', `MAX(0,-MIN(${span('cumulativeFcf', 0)}))`);
  sline('capexPerMW', 'usdPerMW', 'capex at t = 0 / itMW', `Model!$${col(0)}$${M.r('capex')}/itMW`);
  sline('totalCapex', 'usd', 'Σ capex over t = 0..T', `SUM(${span('capex', 0)})`);
  S.section('Per MW: averages over the years with accelerators in service');
  sline('revenuePerMW', 'usdPerMW', 'AVERAGEIF(accelerators > 0) of revenuePerMW', perMwAvg('revenuePerMW'));
  sline('grossProfitPerMW', 'usdPerMW', 'AVERAGEIF(accelerators > 0) of grossProfitPerMW', perMwAvg('grossProfitPerMW'));
  sline('ebitdaPerMW', 'usdPerMW', 'AVERAGEIF(accelerators > 0) of ebitdaPerMW', perMwAvg('ebitdaPerMW'));
  sline('strategicRevenuePerMW', 'usdPerMW', 'AVERAGEIF(accelerators > 0) of strategicRevenuePerMW', perMwAvg('strategicRevenuePerMW'));
  sline('grossMargin', 'share', 'lifetime Σ GP / Σ R (blank when no revenue)', `IF(${sv('totalRevenue')}=0,"",${sv('totalGrossProfit')}/${sv('totalRevenue')})`);
  S.section('The funnel (lifetime)');
  sline('totalTokens', 'tokens', 'Σ tokens', `SUM(${span('tokens')})`);
  sline('billedTokens', 'tokens', 'Σ billed tokens of cash segments', `SUM(${span('billedTokens')})`);
  sline('monetizableTokens', 'tokens', 'Σ monetizable tokens', `SUM(${span('monetizableTokens')})`);
  sline('profitableTokens', 'tokens', 'Σ profitable tokens', `SUM(${span('profitableTokens')})`);
  sline('strategicTokens', 'tokens', 'Σ strategic tokens', `SUM(${span('strategicTokens')})`);
  sline('hiddenReasoningTokens', 'tokens', 'Σ hidden reasoning tokens', `SUM(${span('hiddenReasoningTokens')})`);
  sline('unmetTokens', 'tokens', tokensMode ? 'Σ unmet tokens' : 'utilization mode: no unmet demand (blank)', tokensMode ? `SUM(${span('unmetTokens')})` : null);
  sline('monetizableShare', 'share', 'monetizable / total tokens', `IF(${sv('totalTokens')}=0,"",${sv('monetizableTokens')}/${sv('totalTokens')})`);
  sline('profitableShare', 'share', 'profitable / total tokens', `IF(${sv('totalTokens')}=0,"",${sv('profitableTokens')}/${sv('totalTokens')})`);
  sline('costPerMTok', 'usdPerMTok', 'Σ COGS / Σ tokens · 1e6', `IF(${sv('totalTokens')}=0,"",SUM(${span('cogs')})/${sv('totalTokens')}*1000000)`);
  sline('realizedPricePerMTok', 'usdPerMTok', 'Σ revenue / Σ billed tokens · 1e6', `IF(${sv('billedTokens')}=0,"",${sv('totalRevenue')}/${sv('billedTokens')}*1000000)`);
  sline('totalRevenue', 'usd', 'Σ revenue', `SUM(${span('revenue')})`);
  sline('totalGrossProfit', 'usd', 'Σ gross profit', `SUM(${span('grossProfit')})`);
  S.section('Debt and commitments');
  if (debt) {
    S.line({ key: 'ltvAtBuild', unit: 'share', note: 'debt outstanding at t = 0 / capex at t = 0 (counts toward maxLtv)', at: () => F(`IF(Model!$${col(0)}$${M.r('capex')}>0,Model!$${col(0)}$${M.r('debtOutstanding')}/Model!$${col(0)}$${M.r('capex')},"")`) });
  }
  sline('minDscr', 'ratio', debt ? 'MIN of dscr over the years with debt service' : 'no debt (blank)', debt ? `IF(COUNT(${span('dscr')})=0,"",MIN(${span('dscr')}))` : null);
  sline('maxLtv', 'share', debt ? 'MAX of ltv over t = 1..T and the LTV at build' : 'no debt (blank)', debt ? `IF(COUNT(${span('ltv')},${sv('ltvAtBuild')})=0,"",MAX(${span('ltv')},${sv('ltvAtBuild')}))` : null);
  S.line({ key: 'commitmentRate', unit: 'share', note: `the rate commitments are discounted at: ${capital ? "the tranches' draw-weighted year-1 rate (Debt)" : 'the debt rate (wacc without debt)'}`, at: () => F(commitRate()) });
  const pvGeo = (a: string, e: string, n: string, r: string): string => {
    const q = `((1+${e})/(1+${r}))`;
    return `IF(${q}=1,${a}*${n}/(1+${r}),${a}/(1+${r})*(1-${q}^${n})/(1-${q}))`;
  };
  const fleetN = `Model!$${col(0)}$${M.r('fleetSize')}`;
  const rentA0 = `${fleetN}*hoursPerYear*rentPerAcceleratorHour`;
  S.line({
    key: 'leaseCommitmentNominal',
    unit: 'usd',
    note: 'facility lease payments of years 1..termYears, geometric sum',
    at: () => (facility === 'lease' ? F(`IF(leaseEscalationPerYear=0,${leaseA}*leaseTermYears,${leaseA}*((1+leaseEscalationPerYear)^leaseTermYears-1)/leaseEscalationPerYear)`) : 0),
  });
  S.line({
    key: 'rentCommitmentNominal',
    unit: 'usd',
    note: 'compute rent of years 1..rentTermYears, geometric sum',
    at: () => (!own ? F(`IF(rentChangePerYear=0,${rentA0}*rentTermYears,${rentA0}*((1+rentChangePerYear)^rentTermYears-1)/rentChangePerYear)`) : 0),
  });
  sline('leaseCommitment', 'usd', 'lease payments of years 1..termYears + compute rent of years 1..rentTermYears (even past T)', `${sv('leaseCommitmentNominal')}+${sv('rentCommitmentNominal')}`);
  S.line({ key: 'leaseCommitmentPVPart', unit: 'usd', note: 'PV of the lease payments at the commitment rate', at: () => (facility === 'lease' ? F(pvGeo(leaseA, 'leaseEscalationPerYear', 'leaseTermYears', sv('commitmentRate'))) : 0) });
  S.line({ key: 'rentCommitmentPVPart', unit: 'usd', note: 'PV of the rent payments at the commitment rate', at: () => (!own ? F(pvGeo(rentA0, 'rentChangePerYear', 'rentTermYears', sv('commitmentRate'))) : 0) });
  sline('leaseCommitmentPV', 'usd', 'the commitments discounted at the debt rate (wacc without debt)', `${sv('leaseCommitmentPVPart')}+${sv('rentCommitmentPVPart')}`);
  sline('commitmentsAfterHorizon', 'usd', 'MODEL.md §3.6 the lease and rent payments due after T, owed at T (the Model line at T)', `Model!$${col(T)}$${M.r('commitmentsAfterHorizon')}`);
  if (D !== undefined) {
    // MODEL.md §9: the capital stack's summary, from the Debt sheet's lines
    S.section('Capital stack (MODEL.md §9)');
    const dspan = (key: string, from = 1): string => `Debt!$${col(from)}$${D.r(key)}:$${lastCol}$${D.r(key)}`;
    const cline = (field: CapitalSummaryField, unit: Unit, note: string, formula: string | null): void =>
      S.line({ key: field, unit, note, at: () => (formula === null ? null : F(formula)), cached: () => result.summary[field] ?? null });
    cline('maxRefinancingNeed', 'usd', 'MAX of the refinancing need (balloons due in t and t + 1)', `MAX(${dspan('refinancingNeed')})`);
    cline('maxRefinancingNeedRatio', 'ratio', 'MAX of the need over the cash available of the same two years (blank when no year has one)', `IF(COUNT(${dspan('refinancingNeedRatio')})=0,"",MAX(${dspan('refinancingNeedRatio')}))`);
    cline('maxMarketLtv', 'share', 'MAX of the market LTV over t = 0..T (blank when there is none)', `IF(COUNT(${dspan('marketLtv', 0)})=0,"",MAX(${dspan('marketLtv', 0)}))`);
    cline('minDscrHeadroom', 'ratio', capitalNames.minDscr ? 'minDscr − the covenant' : 'no DSCR covenant (blank)', capitalNames.minDscr ? `IF(${sv('minDscr')}="","",${sv('minDscr')}-covMinDscr)` : null);
    cline('marketLtvHeadroom', 'share', capitalNames.maxLtv ? 'the covenant − maxMarketLtv' : 'no LTV covenant (blank)', capitalNames.maxLtv ? `IF(${sv('maxMarketLtv')}="","",covMaxLtv-${sv('maxMarketLtv')})` : null);
    cline(
      'covenantBreachCount',
      'number',
      'years whose DSCR is below its covenant, plus years whose market LTV is above its covenant',
      `${capitalNames.minDscr ? `COUNTIF(${span('dscr')},"<"&covMinDscr)` : '0'}+${capitalNames.maxLtv ? `COUNTIF(${dspan('marketLtv', 0)},">"&covMaxLtv)` : '0'}`,
    );
    cline('interestDuringConstruction', 'usd', 'Σ draw_0 · rate_1 · (buildMonths + 1) / 24 (Debt)', `Debt!$${col(0)}$${D.r('interestDuringConstruction')}`);
    cline('backlog', 'usd', 'contracted revenue within the horizon, at the build (Debt)', `Debt!$${col(0)}$${D.r('backlog')}`);
    cline('contractedRevenue', 'usd', 'Σ contracted revenue', `SUM(${dspan('contractedRevenue')})`);
    cline('expectedCreditLoss', 'usd', 'Σ expected credit loss', `SUM(${dspan('expectedCreditLoss')})`);
    const traceable = segs.filter((x) => x.basis !== 'imputed').map((x) => `SUM(${span(`segments[${x.id}].revenue`)})`);
    const all = `(${sv('totalRevenue')}+SUM(${span('strategicValue')}))`;
    cline('traceableShare', 'share', '(contracted + metered revenue) / (revenue + strategic value)', `IF(${all}=0,"",(${traceable.length > 0 ? traceable.join('+') : '0'})/${all})`);
  }
  S.section('Strategic value');
  sline('strategicValuePV', 'usd', 'Σ V_t · (1 − taxRate) / (1 + wacc)^t = NPV(wacc, V_1..V_T) · (1 − taxRate)', `NPV(wacc,${span('strategicValue')})*(1-taxRate)`);
  sline('strategicNpv', 'usd', 'npv + strategicValuePV', `${sv('npv')}+${sv('strategicValuePV')}`);
  S.section('Checks');
  S.line({ key: 'generationBlocks', unit: 'number', note: 'generation blocks in this workbook (fixed at export)', at: () => G });
  S.line({ key: 'generationsNeeded', unit: 'number', note: 'generations the inputs need: 1 + INT((T − 1) / usefulLifeYears) with refresh, else 1', at: () => (own ? F('IF(refresh,1+INT((horizonYears-1)/usefulLifeYears),1)') : 0) });
  S.line({ key: 'shareSumsOk', unit: 'flag', note: 'token shares sum to 1 (±1e-6) in every year', at: () => F(`IF(AND(MIN(${span('shareSum')})>=1-0.000001,MAX(${span('shareSum')})<=1+0.000001),1,0)`) });

  const wsS = wb.addWorksheet('Summary', { views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }] });
  wsS.columns = [{ width: 30 }, { width: 22 }, { width: 18 }, { width: 96 }];
  const sh = wsS.getRow(1);
  sh.values = ['metric', 'value', 'unit', 'how'];
  styleHeader(sh);
  S.layout(2);
  let r = 2;
  for (const it of S.items) {
    const row = wsS.getRow(r++);
    if (!('key' in it)) {
      row.getCell(1).value = it.section;
      row.getCell(1).font = { bold: true };
      for (let c = 1; c <= 4; c++) row.getCell(c).fill = SECTION_FILL;
      continue;
    }
    row.getCell(1).value = it.key;
    row.getCell(1).note = `MODEL.md §3.7 ${it.note}`;
    row.getCell(3).value = UNIT[it.unit].label;
    row.getCell(4).value = it.note;
    // a payback never reached reads "never", as the CLI and the report say it
    const cached = it.cached?.(0);
    const text = NEVER_LINES.has(it.key) ? (cached === null ? NEVER : s.fleet.mode === 'rent' && result.summary.totalCapex === 0 ? RENTED_PAYBACK : undefined) : undefined;
    writeCell(row.getCell(2), resolveSv(it.at(0)), text ?? cached, UNIT[it.unit].fmt);
    if (it.bold) row.getCell(1).font = { bold: true };
  }
  r++;
  const status = wsS.getRow(r++);
  status.getCell(1).value = 'status';
  status.getCell(2).value = {
    formula: (resolveSv(F(`IF(${sv('generationsNeeded')}>${sv('generationBlocks')},"RE-EXPORT: usefulLifeYears / refresh need more generations than this workbook has",IF(${sv('shareSumsOk')}=1,"ok","token shares do not sum to 1"))`)) as { f: string }).f,
  };
  r++;
  const about = [
    `inference-payback ${VERSION} · scenario ${s.id}${s.name !== undefined ? ` (${s.name})` : ''} · MODEL.md v2`,
    'Change any yellow cell on Inputs (numbers, rates, prices, each year of a Series, usefulLifeYears, depreciationYears, refresh,',
    'terminalValue, the debt terms, reasoningBilled): Model and Summary recompute.',
    'Needs a re-export: the horizon (one column per year), the list of segments and their pricing form, the fleet mode (own / rent),',
    'the facility mode (own / lease / none), utilization vs tokens mode, adding or removing debt, and a usefulLifeYears or refresh',
    'that needs more generation blocks than this workbook has (see status above).',
    'Blank cells are the engine\'s null (no value): e.g. a margin without revenue, an IRR that does not exist.',
  ];
  for (const line of about) wsS.getCell(r++, 1).value = line;
  finishSheet(wsS, '1:1');

  return wb;
}

// ---------------------------------------------------------------------------
// Validation, protection and printing

/** What a payback that is never reached reads, in the Summary as on the CLI. */
const NEVER = 'never';
const NEVER_LINES = new Set(['paybackYears', 'discountedPaybackYears']);

/** An input a person may change in the workbook: named, and not a structure row or a constant. */
const isEditable = (spec: InputSpec): boolean => spec.name !== undefined && !(spec.note ?? '').startsWith('structure') && !spec.path.startsWith('(constant)');

/**
 * The data validation of an input cell: its list of choices, TRUE/FALSE for a
 * flag, else the bounds the loader checks (`input-bounds.ts`, from the same
 * schema), with a message naming them. Excel and LibreOffice refuse a value
 * outside them.
 */
function inputValidation(spec: InputSpec, value: InputValue, address: string): ExcelJS.DataValidation | undefined {
  const messages = (rule: string): Pick<ExcelJS.DataValidation, 'showErrorMessage' | 'errorStyle' | 'errorTitle' | 'error' | 'showInputMessage' | 'promptTitle' | 'prompt'> => ({
    showErrorMessage: true,
    errorStyle: 'stop',
    errorTitle: 'Out of range',
    error: `${spec.path} must be ${rule} (MODEL.md §2).`,
    showInputMessage: true,
    promptTitle: spec.path.slice(0, 32),
    prompt: `${rule} (${spec.unit})`.slice(0, 255),
  });
  if (spec.choices !== undefined) return { type: 'list', allowBlank: false, formulae: [`"${spec.choices.join(',')}"`], ...messages(`one of ${spec.choices.join(', ')}`) };
  if (typeof value === 'boolean') return { type: 'custom', allowBlank: false, formulae: [`ISLOGICAL(${address})`], ...messages('TRUE or FALSE') };
  if (typeof value !== 'number') return undefined;
  const b = inputBounds(spec.path);
  if (b === undefined) return undefined;
  const type = b.integer ? 'whole' : 'decimal';
  const base = { allowBlank: false, ...messages(describeBounds(b)) };
  if (b.min !== null && b.max !== null) {
    if (!b.minExclusive && !b.maxExclusive) return { type, operator: 'between', formulae: [b.min, b.max], ...base };
    const lo = `${address}${b.minExclusive ? '>' : '>='}${b.min}`;
    const hi = `${address}${b.maxExclusive ? '<' : '<='}${b.max}`;
    const whole = b.integer ? `,${address}=INT(${address})` : '';
    return { type: 'custom', formulae: [`AND(ISNUMBER(${address}),${lo},${hi}${whole})`], ...base };
  }
  if (b.min !== null) return { type, operator: b.minExclusive ? 'greaterThan' : 'greaterThanOrEqual', formulae: [b.min], ...base };
  if (b.max !== null) return { type, operator: b.maxExclusive ? 'lessThan' : 'lessThanOrEqual', formulae: [b.max], ...base };
  return { type, operator: 'between', formulae: [-1e300, 1e300], ...base };
}

/** Protect a sheet without a password (inputs were unlocked) and print it one page wide, its header rows on every page. */
function finishSheet(ws: ExcelJS.Worksheet, headerRows: string): void {
  void ws.protect('', { selectLockedCells: true, selectUnlockedCells: true, formatColumns: true, formatRows: true });
  ws.pageSetup.orientation = 'landscape';
  ws.pageSetup.fitToPage = true;
  ws.pageSetup.fitToWidth = 1;
  ws.pageSetup.fitToHeight = 0;
  ws.pageSetup.printTitlesRow = headerRows;
}

function styleHeader(row: ExcelJS.Row): void {
  row.font = { bold: true };
  row.eachCell({ includeEmpty: false }, (c) => {
    c.fill = HEADER_FILL;
  });
}

function writeCell(cell: ExcelJS.Cell, spec: CellSpec, cached: Cached | string, fmt: string): void {
  if (spec === null) return;
  if (typeof spec === 'number') cell.value = spec;
  else if (cached === undefined) cell.value = { formula: spec.f };
  else cell.value = { formula: spec.f, result: cached === null ? '' : (cached as number | string) };
  cell.numFmt = fmt;
}

function writeLines(ws: ExcelJS.Worksheet, rows: Rows, firstCol: number, T: number): void {
  let r = 3;
  for (const it of rows.items) {
    const row = ws.getRow(r++);
    if (!('key' in it)) {
      row.getCell(1).value = it.section;
      row.getCell(1).font = { bold: true };
      for (let c = 1; c <= firstCol + T; c++) row.getCell(c).fill = SECTION_FILL;
      continue;
    }
    row.getCell(1).value = it.key;
    row.getCell(1).note = it.note;
    row.getCell(2).value = UNIT[it.unit].label;
    if (it.bold) row.font = { bold: true };
    for (let t = 0; t <= T; t++) writeCell(row.getCell(firstCol + t), it.at(t), it.cached?.(t), UNIT[it.unit].fmt);
  }
}

/**
 * Write the workbook of one result to `path`, atomically (a reader sees the
 * old file or the new one, never half of it).
 *
 * @example
 * await writeXlsx(evaluate(scenario), 'model.xlsx', { catalog: loadCatalog() });
 */
export async function writeXlsx(result: ModelResult, path: string, opts: WorkbookOptions = {}): Promise<void> {
  const buf: unknown = await buildWorkbook(result, opts).xlsx.writeBuffer();
  // loaded here, not at the top, so that importing buildWorkbook (the library entry does) pulls in no node:fs
  const { writeFileAtomic } = await import('../io/files.ts');
  writeFileAtomic(path, buf instanceof Uint8Array ? buf : new Uint8Array(buf as ArrayBuffer));
}
