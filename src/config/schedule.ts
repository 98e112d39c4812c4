/**
 * When a run is probed (SPEC.md §5: statistics "every K updates"): update 0 (right after
 * initialisation), every `interval` updates, the last update, and — with `early` — the points
 * 1, 2, 5, 10, 20, 50, … below the first interval, so the first epochs show on a log axis.
 */

/** Whether update `u` (0 … updates) is a probe point. */
export function isProbePoint(u: number, updates: number, interval: number, early: boolean): boolean {
  if (u === 0 || u === updates || u % interval === 0) return true;
  if (!early || u >= interval) return false;
  // 1·10^k, 2·10^k, 5·10^k
  let p = 1;
  while (p * 10 <= u) p *= 10;
  return u === p || u === 2 * p || u === 5 * p;
}

/** Every probe point of a run, ascending. */
export function probePoints(updates: number, interval: number, early: boolean): number[] {
  const out: number[] = [];
  if (early) {
    for (let p = 1; p < Math.min(interval, updates); p *= 10) {
      for (const m of [1, 2, 5]) if (m * p < Math.min(interval, updates)) out.push(m * p);
    }
  }
  for (let u = 0; u <= updates; u += interval) out.push(u);
  out.push(updates);
  return [...new Set(out)].sort((a, b) => a - b);
}
