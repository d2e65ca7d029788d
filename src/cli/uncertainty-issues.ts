/**
 * Where the issues of a scenario's own `uncertainty:` and `correlation:`
 * blocks are in its file (line and column), and which came from the command
 * line (`--dist`): what `mc`, `conditions` and `designpoint` print.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Issue } from '../model/issues.ts';
import { parseScenarioText } from '../model/load.ts';

/** Where the issues of the scenario's own uncertainty and correlation blocks are in its file. */
export function placeIssues(issues: Issue[], file: string, fromCli: ReadonlySet<string>): Issue[] {
  let locate: ((path: readonly PropertyKey[]) => { line: number; column: number } | undefined) | undefined;
  try {
    if (statSync(file).isFile()) locate = parseScenarioText(readFileSync(file, 'utf8')).locate;
  } catch {
    locate = undefined;
  }
  return issues.map((issue) => {
    const u = /^uncertainty\["((?:[^"\\]|\\.)*)"\](?:\.(\w+))?/.exec(issue.path);
    if (u !== null) {
      const key = JSON.parse(`"${u[1]}"`) as string;
      if (fromCli.has(key)) return { ...issue, file: '--dist' };
      const pos = locate?.(u[2] === undefined ? ['uncertainty', key] : ['uncertainty', key, u[2]]);
      return { ...issue, file, ...(pos ?? {}) };
    }
    const c = /^correlation(?:\.(paths|matrix))?(?:\[(\d+)\])?(?:\[(\d+)\])?/.exec(issue.path);
    if (c !== null && issue.code !== 'invalid_corr_argument') {
      const segs: PropertyKey[] = ['correlation'];
      if (c[1] !== undefined) segs.push(c[1]);
      if (c[2] !== undefined) segs.push(Number(c[2]));
      if (c[3] !== undefined) segs.push(Number(c[3]));
      const pos = locate?.(segs);
      return { ...issue, file, ...(pos ?? {}) };
    }
    return issue;
  });
}

