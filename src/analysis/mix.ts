/**
 * The workload mix moved as a whole: one group of segments set to a share of
 * tokens, the others to the rest. The paid-share driver and the internal
 * inference sweep both move the mix this way (MODEL.md §5).
 */
import type { Scenario, Segment } from '../model/schema.ts';

const shareAt = (s: number | readonly number[], i: number): number => (typeof s === 'number' ? s : (s[i < s.length ? i : s.length - 1] as number));

/**
 * A new scenario whose segments in `inGroup` hold `target(i)` of the tokens in
 * year `i + 1` (i = 0 … years − 1) and the others `1 − target(i)`, keeping the
 * proportions inside each group; a group whose shares are all 0 in a year is
 * split evenly. `years` is how many yearly values to write; with `asScalar`
 * (one year, every share a single number) shares stay single numbers. Copies
 * only the demand block and its segments. The caller checks that `target` is
 * in [0, 1] and that a group it gives tokens to exists.
 *
 * @example
 * // 40 % of tokens to internal segments in every year of a 5-year horizon
 * withGroupShare(s, (seg) => seg.kind.startsWith('internal-'), () => 0.4, 5, false);
 */
export function withGroupShare<S extends Scenario>(
  scenario: S,
  inGroup: (seg: Segment) => boolean,
  target: (i: number) => number,
  years: number,
  asScalar: boolean,
): S {
  const segs = scenario.demand.segments;
  const member = segs.map(inGroup);
  const nIn = member.filter(Boolean).length;
  const nOut = segs.length - nIn;
  const sumIn = new Array<number>(years).fill(0);
  const sumOut = new Array<number>(years).fill(0);
  for (let k = 0; k < segs.length; k++) {
    for (let i = 0; i < years; i++) {
      const x = shareAt(segs[k]!.tokenShare, i);
      if (member[k]) sumIn[i] = (sumIn[i] as number) + x;
      else sumOut[i] = (sumOut[i] as number) + x;
    }
  }
  const segments = segs.map((seg, k) => {
    const isIn = member[k] === true;
    const share = new Array<number>(years);
    for (let i = 0; i < years; i++) {
      const groupTarget = isIn ? target(i) : 1 - target(i);
      const sum = isIn ? (sumIn[i] as number) : (sumOut[i] as number);
      share[i] = sum > 0 ? (shareAt(seg.tokenShare, i) * groupTarget) / sum : groupTarget / (isIn ? nIn : nOut);
    }
    return { ...seg, tokenShare: asScalar ? (share[0] as number) : share };
  });
  return { ...scenario, demand: { ...scenario.demand, segments } };
}
