/**
 * Fig. 9: ±1 standard-deviation intervals of the weight gradients ∂C/∂W per hidden layer over
 * training, tanh with standard (left) vs normalized (right) initialization. Read from the probe
 * scalars `weight_grad.mean` and `weight_grad.std` (∂C/∂W^{k−1} averaged over the probe set). The
 * intervals are drawn by their half-width (the std) on a log axis: the means are ≈ 0 and the layers'
 * widths differ by orders of magnitude, which a linear axis of intervals flattens.
 */
import type { RunOutcome } from '../select.ts';
import type { RunStore } from '../../store/runStore.ts';
import {
  composeFigure,
  depthTag,
  epochAxis,
  type FigureBuild,
  type FigureContext,
  type Json,
  layerColor,
  layerLabel,
  panelsFor,
  placeholderPanel,
  runTag,
  toEpochs,
} from './common.ts';

/** Rows {epoch, layer, mean, lo, hi, std} of the weight-gradient mean ± std of every hidden layer. */
function weightGradRows(store: RunStore, o: RunOutcome): Json[] {
  const std = new Map<string, number>();
  for (const p of store.scalarSeries(o.runId, 'weight_grad.std')) std.set(`${p.updates}:${p.layer}`, p.value);
  const rows: Json[] = [];
  for (const p of store.scalarSeries(o.runId, 'weight_grad.mean')) {
    if (p.layer < 1 || p.layer > o.shape.hidden.length) continue;
    const s = std.get(`${p.updates}:${p.layer}`);
    if (s === undefined || !Number.isFinite(s) || !Number.isFinite(p.value)) continue;
    rows.push({ epoch: toEpochs(p.updates), layer: layerLabel(p.layer), mean: p.value, lo: p.value - s, hi: p.value + s, std: s });
  }
  return rows;
}

/** Fig. 9 (see the module comment). */
export function buildFig9(ctx: FigureContext): FigureBuild {
  const title = 'Weight-gradient ±1 std intervals per layer during training: tanh, standard vs normalized init';
  const { panels, runs, notes, status } = panelsFor(ctx, ['Tanh', 'Tanh N'] as const, (label, o, { panels }) => {
    const rows = weightGradRows(ctx.store, o);
    if (rows.length === 0) {
      panels.push(placeholderPanel(runTag(label, o), ['no weight-gradient statistics recorded']));
      return;
    }
    panels.push({
      title: `${runTag(label, o)} · ${depthTag(o)}`,
      width: 420,
      height: 300,
      data: { values: rows.filter((r) => (r['std'] as number) > 0) },
      mark: { type: 'line', strokeWidth: 2, point: { size: 16 } },
      encoding: {
        x: epochAxis(rows.map((r) => r['epoch'] as number), o.shape.minibatch),
        y: { field: 'std', type: 'quantitative', title: 'std of ∂C/∂W (log scale)', scale: { type: 'log' }, axis: { format: '.0e' } },
        color: layerColor(o.shape.hidden.length),
      },
    });
  });
  return {
    number: 9,
    id: 'fig9',
    title,
    caption:
      'The ±1 standard-deviation interval of the weight gradient ∂C/∂W of each hidden layer (averaged over the probe set, as SGD uses it) is drawn by its ' +
        'half-width, the standard deviation, on a log axis so that layers differing by orders of magnitude stay readable (the means are ≈ 0; both are in ' +
          'the run record as weight_grad.mean and weight_grad.std). ' +
      'Paper: with normalized initialization the weight-gradient variance stays about the same across layers during training; with standard initialization ' +
        'it differs between layers (smaller for higher layers).',
    status,
    notes,
    runs,
    spec: composeFigure(`Fig. 9: ${title}`, undefined, panels, 'h'),
  };
}
