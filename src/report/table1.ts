/**
 * Table 1 of the paper: test error (%) per configuration (rows Softsign, Softsign N, Tanh, Tanh N,
 * Sigmoid) and dataset (one column per dataset run), ours beside the paper's.
 *
 * Each cell: the runs of the learning rate selected on validation (select.ts); their FINAL test
 * errors, one per seed (a diverged or failed run counts as 100 %); mean ± sample standard deviation
 * (n − 1) over seeds, with min–max also kept. Significance (docs/DECISIONS.md "Report"): per column,
 * Welch's two-sided t-test of each cell's per-seed errors against the best cell's (lowest mean), at
 * the paper's threshold p = 0.005; with fewer than 2 seeds a cell is "not testable".
 */
import { type ConfigLabel, TABLE1_ROWS } from './input.ts';
import { datasetTitle, type PaperColumn, paperColumnFor, paperTable1, PAPER_SIGNIFICANCE_P } from './paper.ts';
import type { Selection } from './select.ts';
import { mean, sampleStd, welchTTest } from './stats.ts';

/** The test the table names. */
const TABLE1_TEST =
  "Welch's two-sided t-test on per-seed final test errors, each cell against its column's best (lowest mean) cell, significant at p < 0.005 (the paper's " +
    "threshold; the paper does not name its test)";

/** The spread the table shows. */
const TABLE1_SPREAD = 'sample standard deviation over seeds (n − 1 divisor); min–max also in summary.json';

/** Significance of one cell against the best cell of its column. */
export interface CellSignificance {
  /** This cell has the lowest mean of its column. */
  readonly best: boolean;
  /** The column's best configuration, compared against. */
  readonly against: ConfigLabel | null;
  /** Two-sided p-value, or null when not testable. */
  readonly p: number | null;
  /** p < 0.005; null when not testable (or the best cell itself). */
  readonly significantlyWorse: boolean | null;
  /** Human text: "best", "p = 0.21 vs Tanh N (not significant)", "not testable: 1 seed". */
  readonly note: string;
}

/** One cell of Table 1. */
export interface Table1Cell {
  readonly dataset: string;
  readonly label: ConfigLabel;
  /** Whether the configuration ran on this dataset. */
  readonly ran: boolean;
  /** The learning rate selected on validation. */
  readonly learningRate: number | null;
  readonly runIds: readonly string[];
  readonly seeds: readonly number[];
  /** Final test error (%) per seed, failures as 100. */
  readonly errors: readonly number[];
  readonly mean: number | null;
  /** Sample std over seeds; null with fewer than 2 seeds. */
  readonly std: number | null;
  readonly min: number | null;
  readonly max: number | null;
  /** Runs at the selected rate that diverged / failed. */
  readonly diverged: number;
  readonly failed: number;
  /** Runs of the configuration that have not finished: the cell then has no value (select.ts). */
  readonly unfinished: number;
  /** Mean final validation error (%) at the selected rate (what selected it). */
  readonly validationMean: number | null;
  /** The paper's value for this row and the matching column, or null. */
  readonly paper: number | null;
  readonly paperColumn: PaperColumn | null;
  /** `same`: the paper's dataset; `reference`: a different dataset, shown for orientation (Fashion-MNIST vs MNIST). */
  readonly paperRelation: 'same' | 'reference' | null;
  readonly significance: CellSignificance;
}

/** One column of Table 1. */
export interface Table1Column {
  readonly dataset: string;
  /** Display name, e.g. "Fashion-MNIST" (never "MNIST" for Fashion-MNIST). */
  readonly title: string;
  readonly paperColumn: PaperColumn | null;
  readonly paperRelation: 'same' | 'reference' | null;
  /** Header of the paper's value: "paper" or "paper (MNIST) — a different dataset". */
  readonly paperHeader: string;
}

/** The whole table. */
export interface Table1 {
  readonly rows: readonly ConfigLabel[];
  readonly columns: readonly Table1Column[];
  readonly cells: readonly Table1Cell[];
  readonly spread: string;
  readonly test: string;
  readonly alpha: number;
}

/** The paper header of a column. */
function paperHeader(relation: 'same' | 'reference' | null, column: PaperColumn | null): string {
  if (relation === 'same') return 'paper';
  if (relation === 'reference') return `paper (${column}) — a different dataset, for orientation only`;
  return 'paper: no such column';
}

/**
 * Builds Table 1 from the selections.
 * @param datasets the datasets that ran, in column order.
 */
export function buildTable1(selections: readonly Selection[], datasets: readonly string[]): Table1 {
  const columns: Table1Column[] = datasets.map((dataset) => {
    const m = paperColumnFor(dataset);
    return {
      dataset,
      title: datasetTitle(dataset),
      paperColumn: m?.column ?? null,
      paperRelation: m?.relation ?? null,
      paperHeader: paperHeader(m?.relation ?? null, m?.column ?? null),
    };
  });
  const cells: Table1Cell[] = [];
  for (const col of columns) {
    const raw = TABLE1_ROWS.map((label) => {
      const sel = selections.find((s) => s.dataset === col.dataset && s.label === label);
      const runs = sel?.selected?.runs ?? [];
      const errors = runs.map((r) => r.testError);
      return { label, sel, runs, errors };
    });
    const ran = raw.filter((r) => r.errors.length > 0);
    const best = ran.length > 0 ? ran.reduce((a, b) => (mean(b.errors) < mean(a.errors) ? b : a)) : null;
    for (const r of raw) {
      const n = r.errors.length;
      const std = sampleStd(r.errors);
      let significance: CellSignificance;
      if (n === 0) significance = { best: false, against: null, p: null, significantlyWorse: null, note: r.sel?.unfinished ? 'unfinished' : 'not run' };
      else if (r === best) significance = { best: true, against: null, p: null, significantlyWorse: null, note: 'best of its column' };
      else {
        const w = welchTTest(r.errors, best!.errors);
        if (w === null) {
          const why = n < 2 || best!.errors.length < 2 ? `${Math.min(n, best!.errors.length)} ` +
            `seed` + (Math.min(n, best!.errors.length) === 1 ? '' : 's') : 'zero variance in both';
          significance = { best: false, against: best!.label, p: null, significantlyWorse: null, note: `not testable vs ${best!.label}: ${why}` };
        } else {
          const sig = w.p < PAPER_SIGNIFICANCE_P;
          significance = {
            best: false,
            against: best!.label,
            p: w.p,
            significantlyWorse: sig,
            note: `p = ${w.p < 1e-4 ? w.p.toExponential(1) : w.p.toFixed(4)} vs ${best!.label} (${sig ? 'significant' : 'not significant'} at 0.005)`,
          };
        }
      }
      cells.push({
        dataset: col.dataset,
        label: r.label,
        ran: n > 0,
        learningRate: r.sel?.selected?.learningRate ?? null,
        runIds: r.runs.map((o) => o.runId),
        seeds: r.runs.map((o) => o.seed),
        errors: r.errors,
        mean: n > 0 ? mean(r.errors) : null,
        std: Number.isFinite(std) ? std : null,
        min: n > 0 ? Math.min(...r.errors) : null,
        max: n > 0 ? Math.max(...r.errors) : null,
        diverged: r.runs.filter((o) => o.status === 'diverged').length,
        failed: r.runs.filter((o) => o.status === 'failed').length,
        unfinished: r.sel?.unfinished ?? 0,
        validationMean: r.sel?.selected?.meanValidationError ?? null,
        paper: col.paperColumn ? paperTable1(r.label, col.paperColumn) : null,
        paperColumn: col.paperColumn,
        paperRelation: col.paperRelation,
        significance,
      });
    }
  }
  return { rows: TABLE1_ROWS, columns, cells, spread: TABLE1_SPREAD, test: TABLE1_TEST, alpha: PAPER_SIGNIFICANCE_P };
}

/** Our value of a cell as text: "16.27 ± 0.41 (n=3)", "16.27 (n=1)", "100 (diverged)", "not run", "no result: 2 runs unfinished". */
export function formatOurs(c: Table1Cell): string {
  if (c.unfinished > 0) return `no result: ${c.unfinished} run${c.unfinished === 1 ? '' : 's'} unfinished`;
  if (!c.ran || c.mean === null) return 'not run';
  const n = c.errors.length;
  const base = c.std !== null ? `${c.mean.toFixed(2)} ± ${c.std.toFixed(2)}` : c.mean.toFixed(2);
  const flags: string[] = [`n=${n}`];
  if (c.diverged > 0) flags.push(`${c.diverged} diverged`);
  if (c.failed > 0) flags.push(`${c.failed} failed`);
  return `${base} (${flags.join(', ')})`;
}

/** Whether the cell belongs to its column's top group (best, or not significantly worse than it). */
export function inTopGroup(c: Table1Cell): boolean {
  return c.significance.best || c.significance.significantlyWorse === false;
}
