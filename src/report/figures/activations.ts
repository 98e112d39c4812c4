/**
 * Activation statistics over training, per hidden layer: Fig. 2 (sigmoid: mean with ±1 std bars),
 * Fig. 3 (tanh top, softsign bottom: 98th and 2nd percentile markers and std) and Fig. 10 (as Fig. 3
 * for tanh with normalized initialization). Read from the probe scalars `activation.{mean,std,p2,p98}`.
 */
import type { ScalarName } from '../../core/metrics.ts';
import type { RunStore } from '../../store/runStore.ts';
import { TANH_SATURATION_P98, tanhNoSaturation } from '../checks/rules.ts';
import type { ConfigLabel } from '../input.ts';
import type { RunOutcome } from '../select.ts';
import {
  composeFigure,
  depthTag,
  epochAxis,
  type FigureBuild,
  type FigureContext,
  type Json,
  layerColor,
  layerLabel,
  notRunFigure,
  panelsFor,
  pick,
  placeholderPanel,
  runTag,
  toEpochs,
} from './common.ts';

/** One value per (update, hidden layer) of a scalar, keyed `updates:layer`. */
function scalarMap(store: RunStore, runId: string, name: ScalarName): Map<string, number> {
  const m = new Map<string, number>();
  for (const p of store.scalarSeries(runId, name)) if (p.layer >= 1) m.set(`${p.updates}:${p.layer}`, p.value);
  return m;
}

/** Rows {epoch, update, layer, mean, lo, hi} of activation mean ± std for every hidden layer. */
function meanStdRows(store: RunStore, o: RunOutcome): Json[] {
  const std = scalarMap(store, o.runId, 'activation.std');
  const rows: Json[] = [];
  for (const p of store.scalarSeries(o.runId, 'activation.mean')) {
    if (p.layer < 1 || p.layer > o.shape.hidden.length) continue;
    const s = std.get(`${p.updates}:${p.layer}`) ?? NaN;
    if (!Number.isFinite(p.value)) continue;
    rows.push({ epoch: toEpochs(p.updates), updates: p.updates, layer: layerLabel(p.layer), mean: p.value, lo: p.value - s, hi: p.value + s });
  }
  return rows;
}

/** Rows {epoch, layer, stat, value} of the 98th / 2nd percentile and std of every hidden layer. */
function percentileRows(store: RunStore, o: RunOutcome): Json[] {
  const rows: Json[] = [];
  const stats: Array<[ScalarName, string]> = [
    ['activation.p98', '98th percentile'],
    ['activation.p2', '2nd percentile'],
    ['activation.std', 'standard deviation'],
  ];
  for (const [name, stat] of stats) {
    for (const p of store.scalarSeries(o.runId, name)) {
      if (p.layer < 1 || p.layer > o.shape.hidden.length || !Number.isFinite(p.value)) continue;
      rows.push({ epoch: toEpochs(p.updates), updates: p.updates, layer: layerLabel(p.layer), stat, value: p.value });
    }
  }
  return rows;
}

/** Fig. 2 panel: mean line with ±1 std vertical bars per layer. */
function meanStdPanel(title: string, rows: Json[], layers: number, minibatch: number): Json {
  const x = epochAxis(rows.map((r) => r['epoch'] as number), minibatch);
  return {
    title,
    width: 560,
    height: 320,
    data: { values: rows },
    encoding: { x, color: layerColor(layers) },
    layer: [
      {
        mark: { type: 'rule', opacity: 0.55, strokeWidth: 1.5 },
        encoding: { y: { field: 'lo', type: 'quantitative', title: 'activation value (sigmoid output)' }, y2: { field: 'hi' } },
      },
      { mark: { type: 'line', point: { size: 18 }, strokeWidth: 2 }, encoding: { y: { field: 'mean', type: 'quantitative' } } },
    ],
  };
}

/** Figs. 3 and 10 panel: percentile markers (markers alone) and std (line with markers) per layer. */
function percentilePanel(title: string, rows: Json[], layers: number, minibatch: number, yTitle: string): Json {
  const x = epochAxis(rows.map((r) => r['epoch'] as number), minibatch);
  const shape = {
    field: 'stat',
    type: 'nominal',
    title: 'statistic',
    scale: { domain: ['98th percentile', '2nd percentile', 'standard deviation'], range: ['triangle-up', 'triangle-down', 'circle'] },
  };
  return {
    title,
    width: 560,
    height: 300,
    data: { values: rows },
    encoding: { x, color: layerColor(layers) },
    layer: [
      {
        transform: [{ filter: "datum.stat !== 'standard deviation'" }],
        mark: { type: 'point', filled: true, size: 34, opacity: 0.85 },
        encoding: { y: { field: 'value', type: 'quantitative', title: yTitle, scale: { domain: [-1, 1] } }, shape },
      },
      {
        transform: [{ filter: "datum.stat === 'standard deviation'" }],
        mark: { type: 'line', strokeWidth: 2, point: { size: 14 } },
        encoding: { y: { field: 'value', type: 'quantitative' }, detail: { field: 'layer' } },
      },
    ],
  };
}

/**
 * Fig. 2: mean and ±1 std of the sigmoid activations per hidden layer vs epochs. Uses the
 * `Sigmoid d4` run (the paper's 4-layer figure) when there is one, else the depth-5 `Sigmoid` run.
 */
export function buildFig2(ctx: FigureContext): FigureBuild {
  const title = 'Sigmoid activations: mean and ±1 std per layer during training';
  const chosen = pick(ctx, 'Sigmoid d4') ?? pick(ctx, 'Sigmoid');
  const label: ConfigLabel = pick(ctx, 'Sigmoid d4') ? 'Sigmoid d4' : 'Sigmoid';
  if (!chosen) {
    return notRunFigure(2, title, 'no sigmoid run at this scale', 'Paper Fig. 2: sigmoid network, 4 hidden layers, Shapeset-3×2.');
  }
  const o = chosen.curveRun;
  const rows = meanStdRows(ctx.store, o);
  const panel =
    rows.length > 0
      ? meanStdPanel(`${runTag(label, o)} · ${depthTag(o)} · ${ctx.mainDataset}`, rows, o.shape.hidden.length, o.shape.minibatch)
      : placeholderPanel(runTag(label, o), ['the run recorded no activation statistics']);
  return {
    number: 2,
    id: 'fig2',
    title,
    caption:
      `Mean (line) and ±1 standard deviation (vertical bars) of the sigmoid activations of each hidden layer on the ${o.shape.probeSize}-example probe set, ` +
      `at every probe point of run ${o.runId}. Paper: the top hidden layer drops to ≈ 0 ` +
        `within the first epochs and stays there a long time, while lower layers stay near 0.5.`,
    status: rows.length > 0 ? 'ok' : 'not-run',
    notes: label === 'Sigmoid' ? ['no depth-4 sigmoid run: the depth-5 network is shown (the paper shows 4 layers)'] : [],
    runs: [o.runId],
    spec: composeFigure(`Fig. 2: ${title}`, undefined, [panel], 'h'),
  };
}

/** Panels of Figs. 3 and 10 for the given labels, with notes on what is missing. */
function percentileFigure(ctx: FigureContext, number: number, title: string, labels: readonly ConfigLabel[], caption: string): FigureBuild {
  const { panels, runs, notes, status } = panelsFor(
    ctx,
    labels,
    (label, o, { panels }) => {
      const rows = percentileRows(ctx.store, o);
      const yTitle = `activation value (${o.shape.activation})`;
      panels.push(
        rows.length > 0
          ? percentilePanel(`${runTag(label, o)} · ${depthTag(o)}`, rows, o.shape.hidden.length, o.shape.minibatch, yTitle)
          : placeholderPanel(runTag(label, o), ['no activation statistics recorded'], 560, 300),
      );
    },
    560,
    300,
  );
  return { number, id: `fig${number}`, title, caption, status, notes, runs, spec: composeFigure(`Fig. ${number}: ${title}`, undefined, panels, 'v') };
}

/** Fig. 3: tanh (top) and softsign (bottom), standard initialization: 98th/2nd percentiles and std per layer. */
export function buildFig3(ctx: FigureContext): FigureBuild {
  return percentileFigure(
    ctx,
    3,
    'Activation percentiles and std per layer during training (standard init): tanh top, softsign bottom',
    ['Tanh', 'Softsign'],
    'Markers alone: 98th (▲) and 2nd (▼) percentiles of the activations of each hidden layer on the probe set; line with dots: their standard deviation. ' +
      'Paper: with tanh, layer 1 saturates first (98th percentile → 1), then layer 2, and so on; softsign layers saturate less and together. ' +
      'The 2nd percentile is our addition (both tails, SPEC.md §5).',
  );
}

/** p98 series [update, value] of every hidden layer of a run. */
function p98Series(store: RunStore, o: RunOutcome): Array<Array<[number, number]>> {
  return Array.from({ length: o.shape.hidden.length }, (_, i) =>
    store.scalarSeries(o.runId, 'activation.p98', i + 1).map((p) => [p.updates, p.value] as [number, number]),
  );
}

/**
 * The sentence of the Fig. 10 caption that says what this run showed: which Tanh N layers saturated
 * (98th percentile ≥ {@link TANH_SATURATION_P98}), against Tanh's, and whether the saturation
 * disappeared (the rule of the check `phenomenon.tanhn-no-saturation`). Empty without a Tanh N run.
 */
function fig10Finding(ctx: FigureContext): string {
  const n = pick(ctx, 'Tanh N');
  if (!n) return '';
  const t = pick(ctx, 'Tanh');
  const r = tanhNoSaturation(p98Series(ctx.store, n.curveRun), t ? p98Series(ctx.store, t.curveRun) : null);
  const layers = r.times.map((u, i) => (u === null ? null : `${i + 1}`)).filter((x): x is string => x !== null);
  const which = layers.length === 0 ? 'no hidden layer' : `layer${layers.length === 1 ? '' : 's'} ${layers.join(', ')}`;
  const against = r.standardSaturated === null ? '' : ` (Tanh, standard init: ${r.standardSaturated} layer${r.standardSaturated === 1 ? '' : 's'})`;
  return ` This run: ${which} of Tanh N reached a 98th percentile ≥ ${TANH_SATURATION_P98}${against}, so the saturation ` +
    `${r.shown ? 'did disappear or shrink, as in the paper' : 'did NOT disappear here'} (check "Tanh N: no layer-by-layer saturation").`;
}

/** Fig. 10: as Fig. 3, for tanh with normalized initialization; the caption says what the run showed. */
export function buildFig10(ctx: FigureContext): FigureBuild {
  return percentileFigure(
    ctx,
    10,
    'Activation percentiles and std per layer during training: tanh, normalized init',
    ['Tanh N'],
    'As Fig. 3, for tanh networks initialized with the normalized initialization ' +
      '(eq. (16)). Paper: the layer-by-layer saturation of Fig. 3 (top) disappears.' + fig10Finding(ctx),
  );
}
