/**
 * Normalized histograms per hidden layer, drawn as one line per layer (count of a bin / number of
 * values): Fig. 4 (activations at the END of training, tanh vs softsign, from the stored
 * histograms) and Figs. 6–8 (activations, back-propagated gradients ∂C/∂s and weight gradients
 * ∂C/∂W AT INITIALIZATION, tanh with standard vs normalized initialization, recomputed from the
 * stored config with ranges fitted to the hidden layers — see initState.ts — or, failing that, the
 * stored update-0 histograms).
 */
import { activationRange } from '../../probes/probe.ts';
import type { Backend } from '../../kernels/backend.ts';
import type { ActivationName } from '../../kernels/backend.ts';
import type { StoredHistogram } from '../../store/types.ts';
import type { ConfigLabel } from '../input.ts';
import type { RunOutcome } from '../select.ts';
import {
  composeFigure,
  depthTag,
  type FigureBuild,
  type FigureContext,
  type Json,
  layerColor,
  layerLabel,
  pick,
  placeholderPanel,
  runTag,
} from './common.ts';
import { type InitTensors, normalizedHistogram, recomputeInit, sharedAbsPercentile, verifyInit } from './initState.ts';

/** Bins of the recomputed gradient histograms (odd: one bin is centred on 0). */
export const INIT_GRADIENT_BINS = 81;
/** Bins of the recomputed activation histograms over the activation's fixed range. */
export const INIT_ACTIVATION_BINS = 100;
/** Gradient histogram range: ± this percentile of |value| of the widest hidden layer. */
export const INIT_RANGE_PERCENTILE = 99.9;

/** Rows {x, fraction, layer} of stored histograms (hidden layers 1 … `layers` only). */
export function storedHistogramRows(hists: readonly StoredHistogram[], layers: number): Json[] {
  const rows: Json[] = [];
  for (const h of hists) {
    if (h.layer < 1 || h.layer > layers) continue;
    let total = h.nan + h.posinf + h.neginf;
    for (const c of h.counts) total += c;
    if (total <= 0) continue;
    for (let i = 0; i < h.counts.length; i++) {
      rows.push({ x: (h.edges[i]! + h.edges[i + 1]!) / 2, fraction: h.counts[i]! / total, layer: layerLabel(h.layer) });
    }
  }
  return rows;
}

/** One histogram panel: a line per layer. */
function histogramPanel(title: string, rows: Json[], layers: number, xTitle: string, width = 420): Json {
  return {
    title,
    width,
    height: 280,
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 1.8, interpolate: 'step-after' },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: xTitle, axis: { format: '~g', labelOverlap: true } },
      y: { field: 'fraction', type: 'quantitative', title: 'fraction of values (count / total)' },
      color: layerColor(layers),
    },
  };
}

/** Fig. 4: activation histograms at the end of training, tanh (left) and softsign (right), standard init. */
export function buildFig4(ctx: FigureContext): FigureBuild {
  const title = 'Activation histograms at the end of training: tanh vs softsign';
  const panels: Json[] = [];
  const runs: string[] = [];
  const notes: string[] = [];
  for (const label of ['Tanh', 'Softsign'] as const) {
    const s = pick(ctx, label);
    if (!s) {
      panels.push(placeholderPanel(`${label}: not run at this scale`, [`no ${label} run on ${ctx.mainDataset ?? 'any dataset'}`]));
      notes.push(`${label} not run`);
      continue;
    }
    const o = s.curveRun;
    runs.push(o.runId);
    const updates = ctx.store.histogramUpdates(o.runId, 'activation');
    const last = updates[updates.length - 1];
    const rows = last === undefined ? [] : storedHistogramRows(ctx.store.histogramsAt(o.runId, 'activation', last), o.shape.hidden.length);
    panels.push(
      rows.length > 0
        ? histogramPanel(`${runTag(label, o)} · update ${last!.toLocaleString('en-US')}`, rows, o.shape.hidden.length, `activation value (${o.shape.activation})`)
        : placeholderPanel(runTag(label, o), ['no activation histogram recorded']),
    );
  }
  return {
    number: 4,
    id: 'fig4',
    title,
    caption:
      'Normalized histograms (count / number of values) of the activations of each hidden layer at the last probe point of the run, over all units and the probe-set examples (the paper: 300 test examples). ' +
      'Paper: tanh lower layers pile up at the saturation values ±1; softsign activations gather around its knees (±0.6–0.8) and saturate less.',
    status: runs.length === 0 ? 'not-run' : runs.length < 2 ? 'partial' : 'ok',
    notes,
    runs,
    spec: composeFigure(`Fig. 4: ${title}`, undefined, panels, 'h'),
  };
}

/** Which tensor each of Figs. 6–8 shows. */
type InitTensorName = 'activation' | 'backprop_grad' | 'weight_grad';

const INIT_FIGURES: Record<6 | 7 | 8, { tensor: InitTensorName; title: string; xTitle: string; caption: string }> = {
  6: {
    tensor: 'activation',
    title: 'Activation histograms at initialization: tanh, standard vs normalized init',
    xTitle: 'activation value z (tanh)',
    caption:
      'Normalized histograms of the activations z^k of each hidden layer at initialization (update 0) on the probe set. ' +
      'Paper: with standard initialization (eq. 1) the peak at 0 grows for higher layers (activations narrow upward); with normalized initialization (eq. 16) the histograms of all layers coincide.',
  },
  7: {
    tensor: 'backprop_grad',
    title: 'Back-propagated gradient histograms at initialization: tanh, standard vs normalized init',
    xTitle: 'back-propagated gradient ∂C/∂s (per example)',
    caption:
      'Normalized histograms of the per-example back-propagated gradients ∂C/∂s of each hidden layer at initialization. ' +
      'Paper: with standard initialization they narrow toward the input (eq. 13: variance ∝ (n·Var[W])^{d−i} = 3^{−(d−i)}); with normalized initialization they coincide across layers.',
  },
  8: {
    tensor: 'weight_grad',
    title: 'Weight-gradient histograms just after initialization: tanh, standard vs normalized init',
    xTitle: 'weight gradient ∂C/∂W (averaged over the probe set)',
    caption:
      'Normalized histograms of the weight gradients ∂C/∂W of each hidden layer at initialization (averaged over the probe set, as an SGD step would use it). ' +
      'Paper: the weight-gradient variance is about the same for every layer with either initialization (eq. 14), despite the vanishing back-propagated gradients.',
  },
};

/** Recomputed (or stored) initial tensors of the Tanh and Tanh N runs, shared by Figs. 6–8. */
export interface InitData {
  readonly label: ConfigLabel;
  readonly run: RunOutcome;
  /** Recomputed tensors, or null when the stored histograms are used. */
  readonly tensors: InitTensors | null;
  /** Why the recomputation was not used (null when it was). */
  readonly fallback: string | null;
}

/**
 * Loads the initial state of the `Tanh` and `Tanh N` runs of the main dataset for Figs. 6–8:
 * recomputed and verified against the stored update-0 scalars, or a note saying why the stored
 * histograms are used instead.
 */
export async function loadInitData(ctx: FigureContext, backend: Backend | null): Promise<InitData[]> {
  const out: InitData[] = [];
  for (const label of ['Tanh', 'Tanh N'] as const) {
    const s = pick(ctx, label);
    if (!s) continue;
    let tensors: InitTensors | null = null;
    let fallback: string | null = null;
    if (backend === null) fallback = 'no compute backend available';
    else {
      const r = await recomputeInit(s.curveRun, backend);
      if (typeof r === 'string') fallback = r;
      else {
        const mismatch = verifyInit(ctx.store, s.curveRun.runId, r);
        if (mismatch === null) tensors = r;
        else fallback = `recomputation disagrees with the record (${mismatch})`;
      }
    }
    out.push({ label, run: s.curveRun, tensors, fallback });
  }
  return out;
}

/** Rows of one panel of Figs. 6–8 from recomputed tensors, and the fraction of values drawn outside. */
function recomputedRows(t: InitTensors, tensor: InitTensorName, activation: string): { rows: Json[]; range: [number, number]; outside: number } {
  const list = tensor === 'activation' ? t.activation : tensor === 'backprop_grad' ? t.backpropGrad : t.weightGrad;
  let range: [number, number];
  let bins: number;
  if (tensor === 'activation') {
    range = activationRange(activation as ActivationName) ?? [-1, 1];
    bins = INIT_ACTIVATION_BINS;
  } else {
    const q = sharedAbsPercentile(list, INIT_RANGE_PERCENTILE);
    range = q > 0 ? [-q, q] : [-1, 1];
    bins = INIT_GRADIENT_BINS;
  }
  const rows: Json[] = [];
  let outside = 0;
  list.forEach((x, i) => {
    const h = normalizedHistogram(x, range[0], range[1], bins);
    outside = Math.max(outside, h.outside);
    for (let b = 0; b < bins; b++) rows.push({ x: h.centres[b]!, fraction: h.fractions[b]!, layer: layerLabel(i + 1) });
  });
  return { rows, range, outside };
}

/** Figs. 6, 7, 8 (see {@link INIT_FIGURES}). */
export function buildInitFigure(ctx: FigureContext, number: 6 | 7 | 8, data: readonly InitData[]): FigureBuild {
  const f = INIT_FIGURES[number];
  const panels: Json[] = [];
  const runs: string[] = [];
  const notes: string[] = [];
  for (const label of ['Tanh', 'Tanh N'] as const) {
    const d = data.find((x) => x.label === label);
    if (!d) {
      panels.push(placeholderPanel(`${label}: not run at this scale`, [`no ${label} run on ${ctx.mainDataset ?? 'any dataset'}`]));
      notes.push(`${label} not run`);
      continue;
    }
    const o = d.run;
    runs.push(o.runId);
    const layers = o.shape.hidden.length;
    const panelTitle = `${label === 'Tanh' ? 'standard' : 'normalized'} init · ${runTag(label, o)} · ${depthTag(o)}`;
    if (d.tensors) {
      const { rows, range, outside } = recomputedRows(d.tensors, f.tensor, o.shape.activation);
      panels.push(histogramPanel(panelTitle, rows, layers, f.xTitle));
      if (f.tensor !== 'activation') {
        notes.push(
          `${label}: x range ±${range[1].toPrecision(3)} (the ${INIT_RANGE_PERCENTILE}th percentile of |value| of the widest hidden layer), ${INIT_GRADIENT_BINS} bins; at most ${(100 * outside).toFixed(2)}% of a layer's values lie outside and are not drawn`,
        );
      }
    } else {
      const rows = storedHistogramRows(ctx.store.histogramsAt(o.runId, f.tensor, 0), layers);
      panels.push(rows.length > 0 ? histogramPanel(panelTitle, rows, layers, f.xTitle) : placeholderPanel(panelTitle, ['no histogram recorded at update 0']));
      notes.push(`${label}: stored update-0 histograms shown (range shared with the output layer) because ${d.fallback ?? 'recomputation was unavailable'}`);
    }
  }
  return {
    number,
    id: `fig${number}`,
    title: f.title,
    caption: `${f.caption} Histograms recomputed from the stored configuration (seeded initialization, the first probe.size test examples) and checked against the stored update-0 standard deviations.`,
    status: runs.length === 0 ? 'not-run' : runs.length < 2 ? 'partial' : 'ok',
    notes,
    runs,
    spec: composeFigure(`Fig. ${number}: ${f.title}`, undefined, panels, 'h'),
  };
}
