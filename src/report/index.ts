/**
 * The report of a `glorot reproduce` job (issue 5): Figs. 1–12 of the paper as SVG and PNG, Table 1,
 * the checks, and the documents that show them — `<outDir>/report/{index.html, README.md,
 * figures/, input.json}` and `<outDir>/summary.json`. Everything is read from the run record
 * (`<outDir>/glorot.sqlite`) for the runs the {@link ReportInput} lists, and the artifacts the
 * reproduce job stored there (Figs. 1 and 5); the paper's numbers come from paper.ts. The report
 * computes nothing the record does not hold: no backend, dataset or network is created here.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../store/durable.ts';
import { DATABASE_FILE, ensureDir } from '../store/paths.ts';
import { openRunStore, type RunStore } from '../store/runStore.ts';
import { buildChecks } from './checks/index.ts';
import type { Verdict } from './checks/types.ts';
import { table1Context } from './context.ts';
import { renderHtml, renderMarkdown } from './document.ts';
import { buildFig2, buildFig3, buildFig10 } from './figures/activations.ts';
import { composeFigure, type FigureBuild, type FigureContext, placeholderPanel } from './figures/common.ts';
import { buildFig11, buildFig12 } from './figures/curves.ts';
import { buildFig1 } from './figures/fig01.ts';
import { buildFig5 } from './figures/fig05.ts';
import { buildFig9 } from './figures/fig09.ts';
import { buildFig4, buildInitFigure } from './figures/histograms.ts';
import type { ReportInput } from './input.ts';
import { datasetTitle } from './paper.ts';
import { renderFigure } from './render.ts';
import { chooseMainDataset, type Selection, selectAll } from './select.ts';
import { type ReportSummary, SUMMARY_SCHEMA, type SummaryFigure, type SummaryRun, summaryJson } from './summary.ts';
import { buildTable1 } from './table1.ts';

/** A figure whose builder threw: rendered as a note, so the report is still complete. */
function failedFigure(number: number, error: unknown): FigureBuild {
  const message = error instanceof Error ? error.message : String(error);
  return {
    number,
    id: `fig${number}`,
    title: 'could not be drawn',
    caption: `Building this figure failed: ${message}`,
    status: 'not-run',
    notes: [message],
    runs: [],
    spec: composeFigure(`Fig. ${number}: could not be drawn`, undefined, [placeholderPanel('error', [message.slice(0, 90)])], 'h'),
  };
}

/** Builds every figure from the record (never throws: a failing figure becomes a note). */
function buildFigures(ctx: FigureContext, input: ReportInput, warn: (m: string) => void): FigureBuild[] {
  const ranDatasets = input.datasets.filter((d) => d.status === 'ran').map((d) => d.dataset);
  const missing = input.datasets.filter((d) => d.status === 'missing').map((d) => ({ dataset: d.dataset, message: d.message ?? 'not available' }));
  const builders: Array<[number, () => FigureBuild]> = [
    [1, () => buildFig1(ctx.store.exampleSheets(), ranDatasets)],
    [2, () => buildFig2(ctx)],
    [3, () => buildFig3(ctx)],
    [4, () => buildFig4(ctx)],
    [5, () => buildFig5(ctx.store.costSurfaces())],
    [6, () => buildInitFigure(ctx, 6)],
    [7, () => buildInitFigure(ctx, 7)],
    [8, () => buildInitFigure(ctx, 8)],
    [9, () => buildFig9(ctx)],
    [10, () => buildFig10(ctx)],
    [11, () => buildFig11(ctx)],
    [12, () => buildFig12(ctx, ranDatasets, missing)],
  ];
  return builders.map(([number, build]) => {
    try {
      return build();
    } catch (e) {
      warn(`Fig. ${number} could not be drawn: ${e instanceof Error ? e.message : String(e)}`);
      return failedFigure(number, e);
    }
  });
}

/** Lists every run of the input with its outcome. */
function summaryRuns(selections: readonly Selection[]): SummaryRun[] {
  const out: SummaryRun[] = [];
  for (const s of selections) {
    for (const c of s.candidates) {
      for (const o of c.runs) {
        out.push({
          runId: o.runId,
          dataset: s.dataset,
          label: s.label,
          learningRate: o.learningRate,
          seed: o.seed,
          status: o.status,
          statusDetail: o.statusDetail,
          validationError: o.validationError,
          testError: o.testError,
          countedAsFailure: o.countedAsFailure,
          lastUpdate: o.lastUpdate,
          plannedUpdates: Number.isFinite(o.shape.updates) ? o.shape.updates : null,
          hidden: o.shape.hidden,
          minibatch: o.shape.minibatch,
          backend: o.backend,
          selected: s.selected === c,
        });
      }
    }
  }
  return out;
}

/** "native (1 thread): OpenBLAS …" for each distinct backend of the runs. */
function backendsOf(selections: readonly Selection[]): string[] {
  const set = new Set<string>();
  for (const s of selections) {
    for (const c of s.candidates) {
      for (const o of c.runs) {
        const detail = o.run.versions['backend'];
        set.add(`${o.backend} (${o.run.threads} thread${o.run.threads === 1 ? '' : 's'})${detail ? `: ${detail}` : ''}`);
      }
    }
  }
  return [...set];
}

/**
 * Writes the whole report of a job.
 *
 * Reads `<input.outDir>/glorot.sqlite`; writes `<outDir>/report/figures/fig1 … fig12.{svg,png}`,
 * `<outDir>/report/index.html`, `<outDir>/report/README.md`, `<outDir>/report/input.json` (the input,
 * to regenerate the report) and `<outDir>/summary.json`. Learning rates are selected on validation
 * (select.ts); diverged or failed runs count as 100 % error and never stop the report; a figure whose
 * runs are absent is drawn as "not run at this scale"; a figure that fails to draw becomes a note
 * and a warning.
 * @returns the summary written to summary.json.
 * @throws RunStoreError `NO_DATABASE` when the output directory has no run record; Error when the
 *   report directory cannot be written.
 */
export async function writeReport(input: ReportInput): Promise<ReportSummary> {
  const store: RunStore = openRunStore(input.outDir, { readonly: true });
  const reportDir = join(input.outDir, 'report');
  const figDir = join(reportDir, 'figures');
  ensureDir(figDir, 'the report directory');
  const warnings: string[] = [];
  const warn = (m: string): void => {
    warnings.push(m);
  };
  try {
    const selections = selectAll(store, input.datasets, warn);
    const mainDataset = chooseMainDataset(input.datasets, selections);
    const ctx: FigureContext = { store, selections, mainDataset, scale: input.scale };
    const ranDatasets = input.datasets.filter((d) => d.status === 'ran').map((d) => d.dataset);

    const builds = buildFigures(ctx, input, warn);
    const figures: SummaryFigure[] = [];
    for (const f of builds) {
      let built = f;
      try {
        await renderFigure(f.spec, join(figDir, f.id));
      } catch (e) {
        warn(`Fig. ${f.number} could not be rendered: ${e instanceof Error ? e.message : String(e)}`);
        built = failedFigure(f.number, e);
        await renderFigure(built.spec, join(figDir, f.id));
      }
      figures.push({
        number: built.number,
        id: built.id,
        title: built.title,
        caption: built.caption,
        status: built.status,
        svg: `figures/${built.id}.svg`,
        png: `figures/${built.id}.png`,
        notes: built.notes,
        runs: built.runs,
      });
    }

    const table1 = buildTable1(selections, ranDatasets);
    const checks = buildChecks(store, selections, table1, mainDataset);
    const counts: Record<Verdict, number> = { pass: 0, weak: 0, fail: 0, 'not-run': 0 };
    for (const c of checks.checks) counts[c.verdict]++;
    const firstRun = selections.flatMap((s) => s.candidates.flatMap((c) => c.runs))[0];

    const summary: ReportSummary = {
      schema: SUMMARY_SCHEMA,
      generatedAt: new Date().toISOString(),
      scale: input.scale,
      scaleNote: input.scaleNote,
      runRecord: DATABASE_FILE,
      reportIndex: 'report/index.html',
      backends: backendsOf(selections),
      versions: firstRun?.run.versions ?? {},
      mainDataset,
      datasets: input.datasets.map((d) => ({ dataset: d.dataset, title: datasetTitle(d.dataset), status: d.status, message: d.message ?? null })),
      missingDatasets: input.datasets.filter((d) => d.status === 'missing').map((d) => ({ dataset: d.dataset, message: d.message ?? 'not available' })),
      table1,
      table1Context: table1Context(store, selections, table1),
      checks: checks.checks,
      checkCounts: counts,
      varianceTables: checks.varianceTables,
      chance: { priors: checks.shapesetPriors, errorPercent: checks.chanceError },
      selections: selections.map((s) => ({
        dataset: s.dataset,
        label: s.label,
        selectedLearningRate: s.selected?.learningRate ?? null,
        curveRunId: s.curveRun?.runId ?? null,
        candidates: s.candidates.map((c) => ({ learningRate: c.learningRate, meanValidationError: c.meanValidationError, runIds: c.runs.map((o) => o.runId) })),
      })),
      figures,
      runs: summaryRuns(selections),
      warnings,
    };
    // each file replaced atomically: a reader (or a killed job) sees the old report or the new one, never a torn file
    writeFileAtomic(join(input.outDir, 'summary.json'), summaryJson(summary));
    writeFileAtomic(join(reportDir, 'index.html'), renderHtml(summary));
    writeFileAtomic(join(reportDir, 'README.md'), renderMarkdown(summary));
    writeFileAtomic(join(reportDir, 'input.json'), `${JSON.stringify(input, null, 2)}\n`);
    return summary;
  } finally {
    store.close();
  }
}

