/**
 * The bounds of MODEL.md §2 that keep every run finite and small, in one
 * zod-free place: the schema, the input paths and the server's limits read
 * them from here.
 */

/** MODEL.md §2: money and counts are finite and at most 1e15 per field. */
export const MAX_AMOUNT = 1e15;
/** MODEL.md §2: `itMW` at most 1e6. */
export const MAX_IT_MW = 1e6;
/** MODEL.md §2: terms, lives and the horizon are whole years 1..50. */
export const MAX_YEARS = 50;
/** MODEL.md §2: at most 100 segments. */
export const MAX_SEGMENTS = 100;
/** MODEL.md §2, §9: at most 50 debt tranches. */
export const MAX_TRANCHES = 50;
/** MODEL.md §9: `site.buildMonths` is a whole number of months 0..60. */
export const MAX_BUILD_MONTHS = 60;
/**
 * Token counts are the exception to `MAX_AMOUNT`: a market's yearly tokens are already past 1e16
 * (Google processed 1.3e15 tokens a month in Oct 2025) and MODEL.md §8's own example demands 5e17.
 */
export const MAX_TOKENS = 1e21;
/** MODEL.md §2: a scenario or portfolio file, with every file it references, is at most 2 MB. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;
