/**
 * Test-error curves vs examples seen: Fig. 11 (Shapeset-3×2, every configuration present) and
 * Fig. 12 (the other datasets, one panel each). One curve per configuration: its curve run (the
 * lowest seed at the selected learning rate), test error at every probe point after update 0, on a
 * log x axis (examples seen = updates × minibatch).
 */
import { CONFIG_LABELS, type ConfigLabel } from '../input.ts';
import { datasetTitle } from '../paper.ts';
import type { Selection } from '../select.ts';
import { composeFigure, type FigureBuild, type FigureContext, type Json, placeholderPanel } from './common.ts';

/** Splits a message into lines of at most about `width` characters (for placeholder panels). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Colours of the configurations (fixed, so a configuration has the same colour in every panel). */
export const CONFIG_COLORS: Readonly<Record<ConfigLabel, string>> = {
  Sigmoid: '#7f7f7f',
  'Sigmoid d4': '#bcbd22',
  Tanh: '#d62728',
  Softsign: '#1f77b4',
  'Softsign N': '#17becf',
  'Tanh N': '#ff7f0e',
};

/** Dash patterns of the configurations (solid: normalized init; dashed: standard; dotted: sigmoid depth 4). */
export const CONFIG_DASHES: Readonly<Record<ConfigLabel, number[]>> = {
  Sigmoid: [6, 3],
  'Sigmoid d4': [2, 2],
  Tanh: [6, 3],
  Softsign: [6, 3],
  'Softsign N': [1, 0],
  'Tanh N': [1, 0],
};

/** The paper's end of training in examples (2.5 × 10^7, Fig. 11). */
export const PAPER_EXAMPLES = 2.5e7;

/** Legend text of a curve: "Tanh N (lr 0.01, seed 1)", marked when diverged or unfinished. */
function curveName(s: Selection & { curveRun: NonNullable<Selection['curveRun']> }): string {
  const o = s.curveRun;
  const mark = o.status === 'diverged' ? ', diverged' : o.status === 'failed' ? ', failed' : o.unfinished ? `, ${o.status}` : '';
  return `${s.label} (lr ${o.learningRate}, seed ${o.seed}, ${o.shape.hidden.length} hidden${mark})`;
}

/** One panel of test-error curves for one dataset, or a placeholder; with the runs drawn. */
export function curvesPanel(ctx: FigureContext, dataset: string, width = 560): { panel: Json; runs: string[] } {
  const sels = ctx.selections.filter((s) => s.dataset === dataset && s.curveRun !== null) as Array<Selection & { curveRun: NonNullable<Selection['curveRun']> }>;
  const rows: Json[] = [];
  const finals: Array<{ name: string; label: ConfigLabel; final: number }> = [];
  let maxExamples = 0;
  for (const s of sels) {
    const o = s.curveRun;
    const name = curveName(s);
    let final = NaN;
    for (const p of ctx.store.evaluationSeries(o.runId, 'test')) {
      if (p.update <= 0 || !Number.isFinite(p.errorRate)) continue;
      const examples = p.update * o.shape.minibatch;
      maxExamples = Math.max(maxExamples, examples);
      rows.push({ examples, error: p.errorRate, config: name });
      final = p.errorRate;
    }
    finals.push({ name, label: s.label, final: o.countedAsFailure ? 100 : final });
  }
  const title = `${datasetTitle(dataset)}: test error vs examples seen`;
  if (rows.length === 0) return { panel: placeholderPanel(title, [`no test-error curve recorded on ${datasetTitle(dataset)}`], width, 320), runs: [] };
  // legend ordered like the paper's: decreasing final error, top to bottom
  finals.sort((a, b) => (Number.isNaN(b.final) ? -1 : b.final) - (Number.isNaN(a.final) ? -1 : a.final));
  const domain = finals.map((f) => f.name);
  const range = finals.map((f) => CONFIG_COLORS[f.label]);
  return {
    panel: {
      title: maxExamples < PAPER_EXAMPLES ? { text: title, subtitle: `curves end at ${maxExamples.toExponential(1)} examples (the paper: 2.5e+7)` } : title,
      width,
      height: 320,
      data: { values: rows },
      mark: { type: 'line', strokeWidth: 2, point: { size: 16 } },
      encoding: {
        x: { field: 'examples', type: 'quantitative', scale: { type: 'log', nice: false }, title: 'examples seen (updates × minibatch; log scale)', axis: { format: '~s' } },
        y: { field: 'error', type: 'quantitative', title: 'test error (%)', scale: { zero: true } },
        color: { field: 'config', type: 'nominal', title: 'configuration (worst first)', scale: { domain, range }, sort: domain, legend: { labelLimit: 400, symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolSize: 300 } },
        // dashes tell apart curves that lie on top of each other (e.g. both sigmoids at chance)
        strokeDash: { field: 'config', type: 'nominal', scale: { domain, range: finals.map((f) => CONFIG_DASHES[f.label]) }, sort: domain },
      },
    },
    runs: sels.map((s) => s.curveRun.runId),
  };
}

/** Fig. 11: test error vs examples seen on Shapeset-3×2. */
export function buildFig11(ctx: FigureContext): FigureBuild {
  const title = 'Test error during online training on Shapeset-3×2';
  const ran = ctx.selections.some((s) => s.dataset === 'shapeset' && s.curveRun !== null);
  const { panel, runs } = ran ? curvesPanel(ctx, 'shapeset') : { panel: placeholderPanel('Shapeset-3×2: not run at this scale', ['no Shapeset-3×2 run'], 560, 320), runs: [] as string[] };
  const present = CONFIG_LABELS.filter((l) => ctx.selections.some((s) => s.dataset === 'shapeset' && s.label === l && s.curveRun));
  const absent = CONFIG_LABELS.filter((l) => !present.includes(l));
  return {
    number: 11,
    id: 'fig11',
    title,
    caption:
      'Test error (%) of each configuration at every probe point (the curve run: the lowest seed at the learning rate selected on validation), against examples seen. ' +
      'Paper (2.5×10^7 examples): Tanh N and Softsign N end lowest, Tanh and Softsign above, Sigmoid depth 4 higher and Sigmoid depth 5 stuck at chance (≈ 83 %). Pre-training curves are out of scope.',
    status: runs.length === 0 ? 'not-run' : absent.length > 0 ? 'partial' : 'ok',
    notes: absent.length > 0 ? [`configurations not run: ${absent.join(', ')}`] : [],
    runs,
    spec: composeFigure(`Fig. 11: ${title}`, undefined, [panel], 'h'),
  };
}

/** Fig. 12: test-error curves on the datasets other than Shapeset-3×2, one panel per dataset. */
export function buildFig12(ctx: FigureContext, datasets: readonly string[], missing: ReadonlyArray<{ dataset: string; message: string }> = []): FigureBuild {
  const title = 'Test error during training on the other datasets';
  const others = datasets.filter((d) => d !== 'shapeset');
  const panels: Json[] = [];
  const runs: string[] = [];
  for (const d of others) {
    const r = curvesPanel(ctx, d, 460);
    panels.push(r.panel);
    runs.push(...r.runs);
  }
  for (const m of missing.filter((x) => x.dataset !== 'shapeset')) {
    panels.push(placeholderPanel(`${datasetTitle(m.dataset)}: dataset missing`, wrap(m.message, 60), 460, 320));
  }
  if (panels.length === 0) {
    panels.push(placeholderPanel('not run at this scale', ['no dataset other than Shapeset-3×2 was run (the paper: MNIST, CIFAR-10)'], 560, 320));
  }
  return {
    number: 12,
    id: 'fig12',
    title,
    caption:
      'As Fig. 11, one panel per dataset other than Shapeset-3×2 that was run. Paper: MNIST and CIFAR-10, where normalized initialization and softsign/tanh also help, with smaller gaps than on Shapeset. ' +
      'Fashion-MNIST is a different dataset from MNIST (same format, harder), never a stand-in for the paper\'s MNIST numbers.',
    status: runs.length === 0 ? 'not-run' : 'ok',
    notes: [...(others.length === 0 ? ['only Shapeset-3×2 ran'] : []), ...missing.map((m) => `${datasetTitle(m.dataset)} missing: ${m.message}`)],
    runs,
    spec: composeFigure(`Fig. 12: ${title}`, undefined, panels, { columns: 2 }),
  };
}
