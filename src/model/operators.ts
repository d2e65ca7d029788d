/**
 * The operator archetypes of MODEL.md §2, in their order of presentation
 * (hyperscaler, frontier lab, neocloud, private AI factory; then custom). A
 * file of its own, free of zod, so help text and listings can use it without
 * loading the schema.
 */
export const OPERATORS = ['hyperscaler', 'frontier-lab', 'neocloud', 'private-ai-factory', 'custom'] as const;
export type Operator = (typeof OPERATORS)[number];

/**
 * Scenario ids in the order of the archetypes their ids start with (`neocloud-…`
 * after `frontier-lab-…`), then by id; ids of no archetype last.
 *
 * @example
 * inArchetypeOrder(['neocloud-base', 'hyperscaler-base']); // ['hyperscaler-base', 'neocloud-base']
 */
export function inArchetypeOrder(ids: readonly string[]): string[] {
  const rank = (id: string): number => {
    const i = OPERATORS.findIndex((o) => id.startsWith(`${o}-`));
    return i < 0 ? OPERATORS.length : i;
  };
  return [...ids].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
