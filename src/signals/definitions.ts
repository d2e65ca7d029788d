/**
 * Signal definitions (MODEL.md §6, `data/signals.yaml`): for each signal its
 * unit, which direction is good, its link into the model and how an
 * observation's scope maps onto a scenario. Validated here by a zod schema;
 * the text comes in as a string (reading the file is the caller's job).
 */
import { parse } from 'yaml';
import { z } from 'zod';
import { type Issue } from '../model/issues.ts';
import { SEGMENT_KINDS } from '../model/schema.ts';
import { CAPITAL_SUMMARY_FIELDS, CAPITAL_YEAR_FIELDS, YEAR_FIELDS, SUMMARY_FIELDS } from '../model/result.ts';

/** `higher` / `lower` is good; `seller-higher-renter-lower` depends on which side of the trade the scenario is on. */
export const GOOD_DIRECTIONS = ['higher', 'lower', 'seller-higher-renter-lower'] as const;
export type GoodDirection = (typeof GOOD_DIRECTIONS)[number];

/** Which operator classes a signal scores against a scenario: `any` (the closest, as a proxy when not its own), or only its `same` class. */
export const SCOPE_OPERATORS = ['any', 'same'] as const;

const resultField = z
  .string()
  .regex(/^(years|summary)\.[A-Za-z]+$/, 'a result field is years.<field> or summary.<field>')
  .refine((s) => {
    const [where, field] = s.split('.') as [string, string];
    const fields: readonly string[] = where === 'years' ? [...YEAR_FIELDS, ...CAPITAL_YEAR_FIELDS] : [...SUMMARY_FIELDS, ...CAPITAL_SUMMARY_FIELDS];
    return fields.includes(field);
  }, 'not a field of the result contract (MODEL.md §4, §9)');

/** An input path; `[*]` stands for each segment the link applies to. */
const inputPath = z.string().regex(/^[A-Za-z][A-Za-z0-9.[\]*-]*$/, 'an input path such as fleet.depreciationYears or demand.segments[*].pricing.perMTok');

const tripwireSchema = z.union([
  z.strictObject({
    /** The breakeven (MODEL.md §5) of the first of these drivers the scenario has; the tripwire is the signal's value with the driver there. */
    breakeven: z.union([inputPath, z.array(inputPath).min(1)]),
    /** The target the breakeven meets (default npv>=0). */
    target: z.string().default('npv>=0'),
  }),
  z.strictObject({
    /** The cash revenue that just earns the wacc (MODEL.md §5 payback stack): every cash price scaled until npv = 0. */
    revenueScale: z.literal(true),
  }),
  z.strictObject({
    /** An input of the scenario is the tripwire itself (depreciation life: the useful life). */
    input: inputPath,
  }),
  z.strictObject({
    /** A fixed level in the signal's units (a refinancing need equal to the cash available), and what it means. */
    level: z.number(),
    label: z.string().min(1),
  }),
]);
export type TripwireDefinition = z.output<typeof tripwireSchema>;

const linkSchema = z
  .strictObject({
    /** Which side of the scenario this link is (`seller`, `renter`), for people. */
    role: z.string().optional(),
    /** The good direction for this link (required when the signal's is `seller-higher-renter-lower`). */
    good: z.enum(['higher', 'lower']).optional(),
    /** The segments `[*]` stands for: of these kinds, with this pricing form. */
    segments: z
      .strictObject({
        kinds: z.array(z.enum(SEGMENT_KINDS)).min(1),
        pricing: z.enum(['perMTok', 'subscription', 'perAcceleratorHour', 'imputed']),
      })
      .optional(),
    /** The input whose value in a year is the signal's expected value… */
    input: inputPath.optional(),
    /** …moved each year by this yearly change (value · (1 + change)^(t−1)). */
    change: inputPath.optional(),
    /** …and multiplied by this premium per year of technology of the generation in service (`techPremiumPerYear^(b_k)`). */
    techPremium: inputPath.optional(),
    /** Or a result field: `years.<field>` (its value in the year) or `summary.<field>` (one value). */
    result: resultField.optional(),
    /** A result field to divide by (`years.tokens` for a share of tokens). */
    over: resultField.optional(),
    /** An input the scenario must have for a result link to apply (capex per MW needs an owned fleet). */
    requires: inputPath.optional(),
    /**
     * Money per MW: the input that makes the scenario's figure all-in (an owned
     * facility's capex per MW). The scenario is all-in when it has it, IT-only
     * when not; an IT-only observation is compared with the scenario's figure
     * less it. Without `itOnlyLess` the scenario's figure is all-in.
     */
    itOnlyLess: inputPath.optional(),
    /** The scenario must have a segment of one of these kinds for the link to apply; `reason` says why not, for people. */
    needs: z.strictObject({ segmentKinds: z.array(z.enum(SEGMENT_KINDS)).min(1), reason: z.string().min(1) }).optional(),
    /**
     * The input the signal's evidence bears on, the first of these the scenario
     * has: its uncertainty is the signal's (value of information), and the
     * nowcast puts the observation there. None: a result of every input.
     */
    driver: z.union([inputPath, z.array(inputPath).min(1)]).optional(),
    /** `month`: a yearly flow read per month (÷ 12). */
    per: z.enum(['month']).optional(),
    /** `level` compares the observed value; `growth` its annualized growth (a market's volume against the scenario's growth). */
    compare: z.enum(['level', 'growth']).default('level'),
    tripwire: tripwireSchema.optional(),
  })
  .refine((l) => (l.input === undefined) !== (l.result === undefined), { message: 'a link has exactly one of input or result' })
  .refine((l) => l.segments !== undefined || ![l.input, l.change, l.techPremium, ...[l.driver ?? []].flat()].join(' ').includes('[*]'), {
    message: 'a path with [*] needs segments: { kinds, pricing }',
  });
export type LinkDefinition = z.output<typeof linkSchema>;

const signalSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'an id is lower-case letters, digits and dashes'),
    label: z.string().min(1),
    /** The unit observations must carry (compared without case, spaces and `per`/`/` differences). */
    unit: z.string().min(1),
    /** Units accepted as a proxy of this signal (flagged as such in the status). */
    proxyUnits: z.array(z.string().min(1)).default([]),
    good: z.enum(GOOD_DIRECTIONS),
    /** What the signal says about the world, for people. */
    description: z.string().min(1),
    scope: z.strictObject({
      /** How an observation's scope maps onto a scenario, for people. */
      appliesTo: z.string().min(1),
      /** A scope whose words name one of the scenario's segments (of the link) reads that segment. */
      segment: z.boolean().default(false),
      /** The accelerator matters: an observation is direct only for the scenario's own accelerator. */
      accelerator: z.boolean().default(false),
      /** Money per MW: every observation says it-only or all-in, and only like is compared with like. */
      basis: z.boolean().default(false),
      /** `same`: only observations of the scenario's own operator class are scored (a borrower's credit is its own). */
      operators: z.enum(SCOPE_OPERATORS).default('any'),
    }),
    /** The links into the model, in order: the first that applies to a scenario is used. */
    links: z.array(linkSchema).min(1),
  })
  .refine((s) => s.good !== 'seller-higher-renter-lower' || s.links.every((l) => l.good !== undefined), {
    message: 'with good: seller-higher-renter-lower every link says its own good (higher or lower)',
    path: ['links'],
  });
export type SignalDefinition = z.output<typeof signalSchema>;

export const signalsFileSchema = z.strictObject({ signals: z.array(signalSchema).min(1) });

/** The signal ids of MODEL.md §6, in its order: the definitions file must define exactly these. */
export const SIGNAL_IDS = [
  'api-price',
  'gpu-hour-price',
  'utilization',
  'capex-per-mw',
  'gp-per-mw',
  'depreciation-life',
  'lease-rate',
  'cost-of-debt',
  'refinancing-need',
  'power-price',
  'token-volume',
  'paid-share',
] as const;

export type DefinitionsResult = { ok: true; definitions: SignalDefinition[] } | { ok: false; issues: Issue[] };

/**
 * Parse and check the signal definitions (YAML text). Every problem at once,
 * with its path.
 *
 * @example
 * const r = parseSignalDefinitions(readFileSync('data/signals.yaml', 'utf8'), { file: 'data/signals.yaml' });
 * if (r.ok) r.definitions.map((d) => d.id); // ['api-price', 'gpu-hour-price', …]
 */
export function parseSignalDefinitions(text: string, opts: { file?: string | undefined } = {}): DefinitionsResult {
  const file = opts.file === undefined ? {} : { file: opts.file };
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    return { ok: false, issues: [{ path: '', message: `not valid YAML: ${e instanceof Error ? e.message : String(e)}`, ...file }] };
  }
  const r = signalsFileSchema.safeParse(raw);
  if (!r.success) {
    return {
      ok: false,
      issues: r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message, ...file })),
    };
  }
  const issues: Issue[] = [];
  const ids = r.data.signals.map((s) => s.id);
  const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
  for (const d of new Set(dup)) issues.push({ path: 'signals', message: `signal "${d}" is defined twice`, ...file });
  for (const id of SIGNAL_IDS) if (!ids.includes(id)) issues.push({ path: 'signals', message: `signal "${id}" of MODEL.md §6 is missing`, ...file });
  for (const id of ids) {
    if (!(SIGNAL_IDS as readonly string[]).includes(id)) issues.push({ path: 'signals', message: `signal "${id}" is not one of MODEL.md §6 (${SIGNAL_IDS.join(', ')})`, ...file });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, definitions: r.data.signals };
}

/**
 * A unit as compared: lower case, `per` written `/`, no spaces.
 *
 * @example
 * normalizeUnit('$ per M tokens') === normalizeUnit('$/M tokens'); // true
 */
export function normalizeUnit(unit: string): string {
  return unit.toLowerCase().replace(/\s+per\s+/g, '/').replace(/\s+/g, '');
}

/** `exact` when the unit is the signal's, `proxy` when it is one of its proxy units, else undefined. */
export function unitFit(def: SignalDefinition, unit: string): 'exact' | 'proxy' | undefined {
  const u = normalizeUnit(unit);
  if (u === normalizeUnit(def.unit)) return 'exact';
  if (def.proxyUnits.some((p) => normalizeUnit(p) === u)) return 'proxy';
  return undefined;
}
