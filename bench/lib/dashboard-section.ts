/** One measured section of `npm run bench:dashboard` (bench/dashboard.ts). Not part of the library. */
export interface Section {
  /** `--only` name. */
  readonly name: string;
  /** The heading printed and written to BENCHMARKS.md. */
  readonly title: string;
  /** Measures; the result is saved as JSON and rendered by {@link render}. */
  run(): Promise<Record<string, unknown>>;
  /** One line of figures, with the target. */
  render(r: Record<string, unknown>): string;
}
