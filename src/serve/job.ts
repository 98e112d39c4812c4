/**
 * `/api/job`: the reproduce job as the report shows it — Table 1 and the paper's checks — computed by
 * the report's own functions (src/report: selectAll, buildTable1, buildChecks) over the record, and
 * filling in as runs finish.
 *
 * Which runs make which configuration is the job's plan: the experiment files `glorot reproduce`
 * writes to `<out>/experiments/*.json`, expanded by the same planner the job used. A configuration
 * enters the report's selection only when every one of its planned runs has ended (finished,
 * diverged or failed): a learning rate chosen among half-trained runs, or a running run's latest
 * error, is never presented as a result. Until then its cells are null.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError } from '../core/errors.ts';
import { buildChecks } from '../report/checks/index.ts';
import { configsByLabel, type LabelledRun, type ReportDataset } from '../report/input.ts';
import { chooseMainDataset, selectAll } from '../report/select.ts';
import { buildTable1, formatOurs } from '../report/table1.ts';
import { planRuns, readExperiment } from '../config/experiment.ts';
import { SCALE_SETTINGS, SCALES } from '../config/scales.ts';
import { outDirFileProblem, type RunStore } from '../store/index.ts';
import type { JobView } from './api.ts';

/** Statuses after which a run's records never change (`interrupted` and `created` runs continue). */
const ENDED = new Set(['finished', 'diverged', 'failed']);

/** One dataset of the plan and its planned runs. */
interface PlannedDataset {
  readonly dataset: string;
  readonly runs: readonly LabelledRun[];
  /** The hidden widths and updates of each planned run (for the scale's name). */
  readonly sizes: readonly { readonly hidden: readonly number[]; readonly updates: number }[];
}

/** `2.5 M`, `60 k`, `400`: an update count in words short enough for a table header. */
function updatesText(n: number): string {
  if (n >= 1e6) return `${Number((n / 1e6).toPrecision(3))} M`;
  if (n >= 1e3) return `${Number((n / 1e3).toPrecision(3))} k`;
  return String(n);
}

/** A scale in the words of Table 1's header: `quick: 5 × 250, 60 k updates`. */
function scaleWords(name: string, depth: number, width: number | string, updates: number): string {
  return `${name}: ${depth} × ${width}, ${updatesText(updates)} updates`;
}

/**
 * The scale a dataset's planned runs were made at, named after `glorot reproduce`'s scale when its
 * depth, width and updates match one (`quick: 5 × 250, 60 k updates`), else `custom: …`; the depth
 * and widths are those of most runs (Sigmoid d4 is one layer shallower). Null without runs.
 */
export function planScale(sizes: PlannedDataset['sizes']): string | null {
  if (sizes.length === 0) return null;
  const counts = new Map<string, number>();
  for (const s of sizes) counts.set(s.hidden.join(','), (counts.get(s.hidden.join(',')) ?? 0) + 1);
  const hidden = [...counts].sort((a, b) => b[1] - a[1])[0][0].split(',').map(Number);
  const updates = Math.max(...sizes.map((s) => s.updates));
  const uniform = hidden.every((w) => w === hidden[0]);
  const named = SCALES.find((k) => {
    const c = SCALE_SETTINGS[k];
    return uniform && c.depth === hidden.length && c.width === hidden[0] && c.updates === updates;
  });
  return scaleWords(named ?? 'custom', hidden.length, uniform ? hidden[0] : hidden.join('-'), updates);
}

/**
 * A check's text for the page's reader: the report's pointers into this project's own files —
 * `(SPEC.md §3)`, `(transcribed: SPEC.md §6, SHAPESET.md)`, `; SPEC.md §5` — left out; the paper's
 * sections, figures and equations stay. (The report keeps them: its readers have the repository.)
 */
export function forReaders(text: string): string;
export function forReaders(text: string | undefined): string | undefined;
export function forReaders(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return text
    .replace(/\s*\((?:transcribed:?\s*)?(?:SPEC|SHAPESET)\.md[^()]*\)/g, '')
    .replace(/[;,]?\s*(?:SPEC|SHAPESET)\.md(?:\s*§\d+(?:\.\d+)*)?/g, '')
    .trim();
}

/** The paper's scale in the same words (SPEC.md §1, `glorot reproduce --scale paper`). */
export const PAPER_SCALE = scaleWords('paper', SCALE_SETTINGS.paper.depth, SCALE_SETTINGS.paper.width, SCALE_SETTINGS.paper.updates);

/**
 * Why an experiment file cannot be planned, for the page: the file, the fields and what each
 * expected, never what was found. The page and a snapshot show this to whoever opens them, and a
 * value found in a file (or the text around a JSON syntax error) is the file's content.
 */
function planProblem(file: string, e: unknown): string {
  if (e instanceof InvalidInputError) {
    const fields = e.issues.map((i) => `${i.field === '' ? 'the file' : i.field}: expected ${i.expected}`).join('; ');
    return `${file} is not a valid experiment (${fields}); the values found are not shown here: open the file to see them`;
  }
  return `${file} is not a valid experiment: its runs cannot be planned (${e instanceof Error ? e.name : 'error'}); ` +
    'open the file, or give it to glorot run, to see why';
}

/**
 * The job's plan, read from `<outDir>/experiments/*.json` (Shapeset first, then by name). A file
 * that is not a regular file inside the output directory (a symlink leading out, a FIFO) is not
 * read: it becomes a problem naming it.
 */
function readPlan(outDir: string): { datasets: PlannedDataset[]; problems: string[] } {
  const dir = join(outDir, 'experiments');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('.'));
  } catch {
    return { datasets: [], problems: [] };
  }
  files.sort((a, b) => Number(b === 'shapeset.json') - Number(a === 'shapeset.json') || a.localeCompare(b));
  const byDataset = new Map<string, LabelledRun[]>();
  const sizes = new Map<string, PlannedDataset['sizes'][number][]>();
  const problems: string[] = [];
  for (const f of files) {
    const path = join(dir, f);
    const problem = outDirFileProblem(outDir, path, 'an experiment file');
    if (problem !== null) {
      if (problem.kind !== 'missing') problems.push(problem.message); // missing: removed since the listing
      continue;
    }
    try {
      for (const r of planRuns(readExperiment(path))) {
        const list = byDataset.get(r.config.dataset) ?? [];
        list.push({ runId: r.runId, label: r.label, learningRate: r.learningRate, seed: r.seed });
        byDataset.set(r.config.dataset, list);
        sizes.set(r.config.dataset, [...(sizes.get(r.config.dataset) ?? []), { hidden: r.config.hidden, updates: r.config.updates }]);
      }
    } catch (e) {
      problems.push(planProblem(path, e));
    }
  }
  return { datasets: [...byDataset].map(([dataset, runs]) => ({ dataset, runs, sizes: sizes.get(dataset) ?? [] })), problems };
}

/**
 * Table 1 and the checks of the job whose plan is in `<outDir>/experiments/`, as far as its runs have
 * ended. Without a plan (runs made by `glorot train` alone) the table and the checks are empty and
 * `note` says why.
 * @throws RunStoreError when the record cannot be read.
 */
export function buildJobView(store: RunStore, outDir: string): JobView {
  const plan = readPlan(outDir);
  if (plan.datasets.length === 0) {
    const note = `no reproduce job in ${outDir} (no experiments/*.json): Table 1 and the checks need the plan glorot reproduce writes there`;
    return { table1: [], checks: [], columns: [], planned: 0, pending: 0, note, warnings: plan.problems };
  }
  // no read transaction around it all: only ended runs enter, and their records never change
  const ended = (id: string): boolean => store.hasRun(id) && ENDED.has(store.getRun(id).status);
  let planned = 0;
  let pending = 0;
  const datasets: ReportDataset[] = plan.datasets.map((d) => {
    planned += d.runs.length;
    const waiting = d.runs.filter((r) => !ended(r.runId));
    pending += waiting.length;
    const incomplete = new Set(waiting.map((r) => r.label));
    return { dataset: d.dataset, status: 'ran', configs: configsByLabel(d.runs.filter((r) => !incomplete.has(r.label))) };
  });
  const pendingByCell = new Map<string, number>();
  for (const d of plan.datasets) {
    for (const r of d.runs) if (!ended(r.runId)) pendingByCell.set(`${d.dataset}/${r.label}`, (pendingByCell.get(`${d.dataset}/${r.label}`) ?? 0) + 1);
  }
  const warnings: string[] = [...plan.problems];
  const selections = selectAll(store, datasets, (m) => warnings.push(m));
  const table = buildTable1(selections, datasets.map((d) => d.dataset));
  const checks = buildChecks(store, selections, table, chooseMainDataset(datasets, selections));
  const note =
    pending > 0 ? `${pending} of ${planned} planned runs have not ended: a configuration enters Table 1 and the checks when all of its runs have` : null;
  return {
    table1: table.rows.map((label) => ({
      label,
      cells: Object.fromEntries(
        table.cells
          .filter((c) => c.label === label)
          .map((c) => {
            const curve = selections.find((s) => s.dataset === c.dataset && s.label === label)?.curveRun?.runId ?? null;
            const cell = {
              ours: c.ran ? c.mean : null,
              paper: c.paper,
              runId: c.ran ? curve : null,
              text: formatOurs(c),
              learningRate: c.learningRate,
              runIds: c.runIds,
              pending: pendingByCell.get(`${c.dataset}/${label}`) ?? 0,
            };
            return [c.dataset, cell];
          }),
      ),
    })),
    // a check judges the configurations whose runs have ended; while others train it is pending
    // (its verdict so far kept apart): "fail" for "best other configuration: none run" is not a result
    checks: checks.checks.map((c) => ({
      id: c.id,
      claim: forReaders(c.title),
      verdict: pending > 0 ? 'pending' : c.verdict,
      ...(pending > 0 ? { provisional: c.verdict } : {}),
      detail: forReaders(c.detail),
      oursText: forReaders(c.oursText),
      paperText: forReaders(c.paperText),
      rule: forReaders(c.rule),
      source: forReaders(c.source),
    })),
    columns: table.columns.map((c) => ({
      dataset: c.dataset,
      title: c.title,
      paperHeader: c.paperHeader,
      scale: planScale(plan.datasets.find((d) => d.dataset === c.dataset)?.sizes ?? []),
      paperScale: PAPER_SCALE,
    })),
    planned,
    pending,
    note,
    warnings,
  };
}

/** The experiment files' names and modification times: changes when the plan does. */
function planStamp(outDir: string): string {
  const dir = join(outDir, 'experiments');
  try {
    return readdirSync(dir)
      .sort()
      .map((f) => `${f}@${statSync(join(dir, f)).mtimeMs}`)
      .join(',');
  } catch {
    return '';
  }
}

/**
 * {@link buildJobView} computed again only when it can have changed: when a run's status or the set
 * of runs changes (a run ends, one is added), the plan's files do, or the record was reopened.
 */
export class JobCache {
  private key: string | null = null;
  private view: JobView | null = null;
  private store: RunStore | null = null;

  /** @param outDir the output directory whose plan and record are shown. */
  constructor(private readonly outDir: string) {}

  /**
   * The job view for the record's current runs.
   * @param runs every run with its status (the monitor's summaries).
   * @throws RunStoreError when the record cannot be read.
   */
  get(store: RunStore, runs: readonly { readonly id: string; readonly status: string }[]): JobView {
    const key = `${runs.map((r) => `${r.id}:${r.status}`).sort().join(',')}|${planStamp(this.outDir)}`;
    if (this.view === null || key !== this.key || store !== this.store) {
      this.view = buildJobView(store, this.outDir);
      this.key = key;
      this.store = store;
    }
    return this.view;
  }
}
