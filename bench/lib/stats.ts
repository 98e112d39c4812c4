/**
 * Small statistics and formatting helpers of the benchmark (bench/run.ts). Not part of the library.
 */

/** The q-quantile (0 ≤ q ≤ 1) of `xs` by linear interpolation; NaN for an empty list. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** The median of `xs` (NaN for an empty list). */
export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** Median and interquartile range of a sample. */
export interface Spread {
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly n: number;
}

/** {@link Spread} of `xs`. */
export function spread(xs: readonly number[]): Spread {
  return { median: median(xs), p25: quantile(xs, 0.25), p75: quantile(xs, 0.75), n: xs.length };
}

/** `x` with `digits` significant digits, as a plain decimal string (no exponent for ordinary sizes). */
export function sig(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const d = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(x))));
  return x.toFixed(Math.min(d, 12));
}

/** Seconds → milliseconds string with 3 significant digits. */
export function ms(seconds: number): string {
  return `${sig(seconds * 1e3)} ms`;
}

/** A ratio as `1.23×`. */
export function times(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}×` : '—';
}

/** A fraction as a percentage with one decimal. */
export function pct(f: number): string {
  return Number.isFinite(f) ? `${(100 * f).toFixed(1)}%` : '—';
}

/** A GitHub-flavoured markdown table (also readable as plain text). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Resolves after `msDelay` milliseconds (lets spinning BLAS / worker threads of the last trial go idle). */
export function sleep(msDelay: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, msDelay));
}

/** Seconds since an arbitrary origin, high resolution. */
export function now(): number {
  return performance.now() / 1e3;
}
