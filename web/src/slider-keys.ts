/**
 * The sliders' URL keys (`#/explore?utilization=0.8`), apart from the sliders
 * themselves (`drivers.ts`) so the page shell, which keeps them in its links,
 * loads none of the model.
 */

/** The short URL key of a driver path; other paths get a key from their parts (`drivers.ts`). */
export const SHORT_KEYS: Readonly<Record<string, string>> = {
  'demand.utilization': 'utilization',
  'demand.tokensPerYear': 'tokensPerYear',
  // the derived driver of MODEL.md §5 (PAID_SHARE in src/analysis/paths.ts)
  paidShare: 'paidShare',
  'fleet.capexPerAccelerator': 'capex',
  'fleet.rentPerAcceleratorHour': 'rent',
  'site.power.pricePerMWh': 'power',
  'fleet.usefulLifeYears': 'life',
  'fleet.depreciationYears': 'depLife',
  'serving.softwareGainPerYear': 'softwareGain',
  'finance.wacc': 'wacc',
  'finance.debt.share': 'debtShare',
  'finance.baseRate': 'baseRate',
};

const SHORT_VALUES = new Set(Object.values(SHORT_KEYS));

/** Whether a URL key is a slider's (page links keep them). */
export const isSliderKey = (k: string): boolean => SHORT_VALUES.has(k) || k.startsWith('price.') || k.startsWith('decline.') || k.startsWith('rate.') || k.startsWith('spread.');
