/**
 * Normalized histograms per hidden layer, drawn as one line per layer: Fig. 4 (activations at the
 * END of training, tanh vs softsign) and Figs. 6–8 (activations, back-propagated gradients ∂C/∂s and
 * weight gradients ∂C/∂W AT INITIALIZATION, tanh with standard vs normalized initialization). All
 * from the histograms the probe stored (src/core/metrics.ts): Fig. 6 from `activation` (one fixed
 * range for every layer), Figs. 7–8 from `backprop_grad.own_range` / `weight_grad.own_range` (each
 * layer over its own range, drawn as a density so that layers binned differently compare). A record
 * made before the probe stored the own-range histograms shows the shared-range ones and says so.
 */
import type { HistogramTensor } from '../../core/metrics.ts';
import type { StoredHistogram } from '../../store/types.ts';
import {
  composeFigure,
  depthTag,
  type FigureBuild,
  type FigureContext,
  type Json,
  layerColor,
  layerLabel,
  panelsFor,
  placeholderPanel,
  runTag,
} from './common.ts';

/** Figs. 7–8 draw ± this percentile of |value| of the widest hidden layer (the far tails are left out). */
const INIT_RANGE_PERCENTILE = 99.9;

/** Rows {x, fraction, layer} of stored histograms (hidden layers 1 … `layers` only). */
function storedHistogramRows(hists: readonly StoredHistogram[], layers: number): Json[] {
  const rows: Json[] = [];
  for (const h of hists) {
    if (h.layer < 1 || h.layer > layers) continue;
    let total = h.nan + h.posInf + h.negInf;
    for (const c of h.counts) total += c;
    if (total <= 0) continue;
    for (let i = 0; i < h.counts.length; i++) {
      rows.push({ x: (h.edges[i]! + h.edges[i + 1]!) / 2, fraction: h.counts[i]! / total, layer: layerLabel(h.layer) });
    }
  }
  return rows;
}

/** One histogram panel: a line per layer; `domain` fixes (and clips to) the x range. */
function histogramPanel(
  title: string,
  rows: Json[],
  layers: number,
  xTitle: string,
  yTitle = 'fraction of values (count / total)',
  domain?: readonly [number, number],
): Json {
  return {
    title,
    width: 420,
    height: 280,
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 1.8, interpolate: 'step-after', ...(domain ? { clip: true } : {}) },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: xTitle, axis: { format: '~g', labelOverlap: true }, ...(domain ? { scale: { domain: [...domain] } } : {}) },
      y: { field: 'fraction', type: 'quantitative', title: yTitle },
      color: layerColor(layers),
    },
  };
}

/** Fig. 4: activation histograms at the end of training, tanh (left) and softsign (right), standard init. */
export function buildFig4(ctx: FigureContext): FigureBuild {
  const title = 'Activation histograms at the end of training: tanh vs softsign';
  const { panels, runs, notes, status } = panelsFor(ctx, ['Tanh', 'Softsign'] as const, (label, o, { panels }) => {
    const updates = ctx.store.histogramUpdates(o.runId, 'activation');
    const last = updates[updates.length - 1];
    const rows = last === undefined ? [] : storedHistogramRows(ctx.store.histogramsAt(o.runId, 'activation', last), o.shape.hidden.length);
    panels.push(
      rows.length > 0
        ? histogramPanel(`${runTag(label, o)} · update ${last!.toLocaleString('en-US')}`, rows, o.shape.hidden.length,
            `activation value (${o.shape.activation})`)
        : placeholderPanel(runTag(label, o), ['no activation histogram recorded']),
    );
  });
  return {
    number: 4,
    id: 'fig4',
    title,
    caption:
      'Normalized histograms (count / number of values) of the activations of each hidden layer at the last probe point of the run, over all units and the ' +
        'probe-set examples (the paper: 300 test examples). ' +
      'Paper: tanh lower layers pile up at the saturation values ±1; softsign activations gather around its knees (±0.6–0.8) and saturate less.',
    status,
    notes,
    runs,
    spec: composeFigure(`Fig. 4: ${title}`, undefined, panels, 'h'),
  };
}

/** What each of Figs. 6–8 shows. */
interface InitFigure {
  /** The histograms drawn: Fig. 6 the shared fixed range, Figs. 7–8 each layer's own range. */
  readonly tensor: HistogramTensor;
  /** The shared-range histograms a record made before `tensor` existed holds instead (Figs. 7–8). */
  readonly fallback: HistogramTensor | null;
  readonly title: string;
  readonly xTitle: string;
  readonly caption: string;
}

const INIT_FIGURES: Record<6 | 7 | 8, InitFigure> = {
  6: {
    tensor: 'activation',
    fallback: null,
    title: 'Activation histograms at initialization: tanh, standard vs normalized init',
    xTitle: 'activation value z (tanh)',
    caption:
      'Normalized histograms of the activations z^k of each hidden layer at initialization ' +
        '(update 0) on the probe set, over the activation\'s range [−1, 1] (the stored histograms). ' +
      'Paper: with standard initialization (eq. (1)) the peak at 0 grows for higher layers (activations narrow upward); ' +
        'with normalized initialization (eq. (16)) the histograms of all layers coincide.',
  },
  7: {
    tensor: 'backprop_grad.own_range',
    fallback: 'backprop_grad',
    title: 'Back-propagated gradient histograms at initialization: tanh, standard vs normalized init',
    xTitle: 'back-propagated gradient ∂C/∂s (per example)',
    caption:
      'Histograms of the per-example back-propagated gradients ∂C/∂s of each hidden layer at initialization, each layer binned over its own range and drawn ' +
        'as a density (fraction of values per unit of ∂C/∂s), so that a narrow layer is a tall narrow peak. ' +
      'Paper: with standard initialization they narrow toward the input (eq. (13): variance ∝ (n·Var[W])^{d−i} = 3^{−(d−i)}); with normalized ' +
        'initialization they coincide across layers.',
  },
  8: {
    tensor: 'weight_grad.own_range',
    fallback: 'weight_grad',
    title: 'Weight-gradient histograms just after initialization: tanh, standard vs normalized init',
    xTitle: 'weight gradient ∂C/∂W (averaged over the probe set)',
    caption:
      'Histograms of the weight gradients ∂C/∂W of each hidden layer at initialization (averaged over the probe set, as an SGD step would use it), each ' +
        'layer binned over its own range and drawn as a density. ' +
      'Paper: the weight-gradient variance is about the same for every layer with ' +
        'either initialization (eq. (14)), despite the vanishing back-propagated gradients.',
  },
};

/**
 * The q-th percentile (0–100) of |value| of a histogram, to bin resolution: the outer |edge| of the
 * bin at which the mass of the bins ordered by their outer |edge| reaches q % of the binned values.
 * 0 when the histogram holds no value.
 */
export function histogramAbsPercentile(h: Pick<StoredHistogram, 'edges' | 'counts'>, q: number): number {
  const bins = Array.from(h.counts, (c, i) => ({ c, outer: Math.max(Math.abs(h.edges[i]!), Math.abs(h.edges[i + 1]!)) })).sort((a, b) => a.outer - b.outer);
  const total = bins.reduce((a, b) => a + b.c, 0);
  if (!(total > 0)) return 0;
  let seen = 0;
  for (const b of bins) {
    seen += b.c;
    if (seen >= (q / 100) * total) return b.outer;
  }
  return bins[bins.length - 1]!.outer;
}

/**
 * Rows {x, fraction, layer} of histograms binned differently per layer, as densities (count / (total ×
 * bin width)) over a common domain ±(the {@link INIT_RANGE_PERCENTILE}th percentile of |value| of the
 * widest layer); the bins outside it are left out.
 * @returns the rows, the domain, and the largest fraction of one layer's values outside it.
 */
export function densityRows(hists: readonly StoredHistogram[], layers: number): { rows: Json[]; domain: [number, number]; outside: number } {
  const shown = hists.filter((h) => h.layer >= 1 && h.layer <= layers);
  const q = Math.max(0, ...shown.map((h) => histogramAbsPercentile(h, INIT_RANGE_PERCENTILE)));
  const domain: [number, number] = q > 0 ? [-q, q] : [-1, 1];
  const rows: Json[] = [];
  let outside = 0;
  for (const h of shown) {
    let total = h.nan + h.posInf + h.negInf;
    for (const c of h.counts) total += c;
    if (total <= 0) continue;
    let out = h.nan + h.posInf + h.negInf;
    for (let i = 0; i < h.counts.length; i++) {
      const x = (h.edges[i]! + h.edges[i + 1]!) / 2;
      if (x < domain[0] || x > domain[1]) {
        out += h.counts[i]!;
        continue;
      }
      rows.push({ x, fraction: h.counts[i]! / total / (h.edges[i + 1]! - h.edges[i]!), layer: layerLabel(h.layer) });
    }
    outside = Math.max(outside, out / total);
  }
  return { rows, domain, outside };
}

/**
 * Figs. 6, 7, 8 (see {@link INIT_FIGURES}), from the update-0 histograms of the Tanh and Tanh N
 * curve runs. Never recomputes: a record without the histograms a panel needs says so.
 */
export function buildInitFigure(ctx: FigureContext, number: 6 | 7 | 8): FigureBuild {
  const f = INIT_FIGURES[number];
  const { panels, runs, notes, status } = panelsFor(ctx, ['Tanh', 'Tanh N'] as const, (label, o, { panels, notes }) => {
    const layers = o.shape.hidden.length;
    const panelTitle = `${label === 'Tanh' ? 'standard' : 'normalized'} init · ${runTag(label, o)} · ${depthTag(o)}`;
    let hists = ctx.store.histogramsAt(o.runId, f.tensor, 0);
    if (f.fallback === null) {
      const rows = storedHistogramRows(hists, layers);
      panels.push(rows.length > 0 ? histogramPanel(panelTitle, rows, layers, f.xTitle) : placeholderPanel(panelTitle, ['no histogram recorded at update 0']));
      return;
    }
    if (hists.length === 0) {
      hists = ctx.store.histogramsAt(o.runId, f.fallback, 0);
      if (hists.length > 0) {
        notes.push(
          `${label}: this record predates the per-layer-range histograms (${f.tensor}); shown are ` +
            `the stored ${f.fallback} histograms, binned over one range shared by all hidden layers, ` +
            'in which the narrowest layers fill only a few bins. A run made with this glorot records both.',
        );
      }
    }
    const { rows, domain, outside } = densityRows(hists, layers);
    if (rows.length === 0) {
      panels.push(placeholderPanel(panelTitle, ['no histogram recorded at update 0']));
      return;
    }
    panels.push(histogramPanel(panelTitle, rows, layers, f.xTitle, 'density (fraction of values per unit)', domain));
    notes.push(
      `${label}: x range ±${domain[1].toPrecision(3)} (the ${INIT_RANGE_PERCENTILE}th percentile of |value| of the widest hidden layer, to bin resolution); ` +
        `at most ${(100 * outside).toFixed(2)}% of a layer's values lie outside and are not drawn`,
    );
  });
  return {
    number,
    id: `fig${number}`,
    title: f.title,
    caption: `${f.caption} Drawn from the histograms the probe stored at update 0 on the probe set (the first probe.size test examples).`,
    status,
    notes,
    runs,
    spec: sharedY(composeFigure(`Fig. ${number}: ${f.title}`, undefined, panels, 'h')),
  };
}

/**
 * Side-by-side panels on one y scale (issue 15, item 16): the standard and normalized panels of
 * Figs. 6–8 are compared by the height of their peaks, which independent axes made meaningless. The
 * x scales stay each panel's own (Figs. 7–8 fix each to its run's range; see {@link densityRows}).
 */
function sharedY<T extends object>(spec: T): T {
  return 'hconcat' in spec ? ({ ...spec, resolve: { scale: { y: 'shared' } } } as T) : spec;
}
