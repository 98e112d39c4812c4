/**
 * What the run view's panels share: the {@link Panel} contract, the run's layer toggles and x-axis
 * mode. (Aligning series on one x axis: data/align.ts.)
 */
import type { RunChange, RunData } from '../../data/runData.ts';

/** Settings every panel of one run view follows. */
export interface PanelContext {
  readonly run: RunData;
  /** Hidden layers (1 = nearest the input); the output layer L; never −1. */
  readonly hiddenLayers: ReadonlySet<number>;
  /** `asinh`: the early probe points spread out (log beyond 1 update); `linear`. */
  readonly xScale: 'asinh' | 'linear';
}

/** One section of the run view. */
export interface Panel {
  /** The panel's element. */
  readonly el: HTMLElement;
  /** Redraws what `change` touches (`layers` and `xscale`: the context's toggles changed). */
  update(change: RunChange | 'layers' | 'xscale'): void;
  /** Removes charts and observers. */
  destroy(): void;
}
