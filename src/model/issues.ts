/**
 * Problems found in an input, as data: each names the path of the value, what is
 * wrong with it, and where it is in the file. The CLI, the server and the web form
 * print the same list their own way; `formatIssue` is the plain-text way.
 */

/** One problem with an input. */
export interface Issue {
  /** Dotted path of the value, list elements by id where they have one: `demand.segments[free].tokenShare`; '' for the whole input. */
  path: string;
  /** What is wrong: names the value and what was expected. */
  message: string;
  /** 1-based line in the file, when the input came from text. */
  line?: number;
  /** 1-based column in the file. */
  column?: number;
  /** The file (or built-in) the input came from. */
  file?: string;
  /** 'error' when absent. */
  severity?: 'error' | 'warning';
  /** A short machine-readable kind, e.g. `invalid_type`, `unknown_key`, `share_sum`. */
  code?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An id safe to write between brackets in a path. */
const PATH_ID = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
/** A key safe to write after a dot. */
const PATH_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/**
 * A path as people read it: a list element that is an object with a (unique) string
 * `id` is written by its id in brackets, any other element by its index.
 *
 * @example
 * formatPath(['demand', 'segments', 1, 'tokenShare'], scenario) // 'demand.segments[free].tokenShare'
 * formatPath(['demand', 'utilization', 2], scenario)            // 'demand.utilization[2]'
 */
export function formatPath(segments: readonly PropertyKey[], raw: unknown): string {
  let out = '';
  let node: unknown = raw;
  for (const seg of segments) {
    if (typeof seg === 'number') {
      const list = Array.isArray(node) ? (node as unknown[]) : undefined;
      const el = list?.[seg];
      const id = isRecord(el) ? el['id'] : undefined;
      const unique =
        typeof id === 'string' && list !== undefined && list.filter((x) => isRecord(x) && x['id'] === id).length === 1;
      out += typeof id === 'string' && unique && PATH_ID.test(id) ? `[${id}]` : `[${seg}]`;
      node = el;
    } else {
      const key = typeof seg === 'symbol' ? String(seg) : seg;
      if (PATH_KEY.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
      node = isRecord(node) ? node[key] : undefined;
    }
  }
  return out;
}

/**
 * One line: `file:line:column path: message`, with whatever of those is known.
 *
 * @example
 * formatIssue({ file: 'scenario.yaml', line: 14, column: 7, path: 'site.itMW', message: 'expected a number > 0, got "a lot"' })
 * // 'scenario.yaml:14:7 site.itMW: expected a number > 0, got "a lot"'
 */
export function formatIssue(issue: Issue): string {
  let where = issue.file ?? '';
  if (issue.line !== undefined) {
    where += `${where === '' ? '' : ':'}${issue.line}`;
    if (issue.column !== undefined) where += `:${issue.column}`;
  }
  const head = [where, issue.path].filter((s) => s !== '').join(' ');
  const message = issue.severity === 'warning' ? `warning: ${issue.message}` : issue.message;
  return head === '' ? message : `${head}: ${message}`;
}

/** One line per issue, in the given order. */
export function formatIssues(issues: readonly Issue[]): string {
  return issues.map(formatIssue).join('\n');
}

/** Optimal-string-alignment distance: Levenshtein plus the swap of two neighbours. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  // rows[i][j] = distance between a[0..i) and b[0..j)
  const rows: number[][] = Array.from({ length: m + 1 }, (_, i) =>
    Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Infinity;
  for (let i = 1; i <= m; i++) {
    const row = rows[i] as number[];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, at(i - 2, j - 2) + 1);
      row[j] = d;
    }
  }
  return at(m, n);
}

/**
 * The candidate closest to `word`, if it is close enough to be a likely typo:
 * edit distance (case-insensitive, swaps count once) ≤ max(2, length / 3), and
 * less than the candidate's length.
 *
 * @example
 * didYouMean('utilisation', ['utilization', 'tokensPerYear']) // 'utilization'
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(word.length / 3));
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    if (c === word) continue;
    // Case-only differences rank just ahead of a one-letter typo.
    const d = editDistance(lower, c.toLowerCase()) + (lower === c.toLowerCase() ? 0.5 : 0);
    // A candidate that shares nothing with the word is no suggestion, however short.
    if (d <= limit && d < c.length && d < bestScore) {
      best = c;
      bestScore = d;
    }
  }
  return best;
}

/** ` (did you mean "x"?)` or ''. */
export function didYouMeanSuffix(word: string, candidates: Iterable<string>): string {
  const s = didYouMean(word, candidates);
  return s === undefined ? '' : ` (did you mean "${s}"?)`;
}

/** A value as a message shows it: strings quoted, lists and objects by kind. */
export function showValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : `a list of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  return typeof v;
}
