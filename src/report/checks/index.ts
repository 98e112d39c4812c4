/**
 * The report's checks: each of our measurements beside the paper's value, with a verdict (see
 * `Verdict` in types.ts) and the exact rule that gave it (docs/DECISIONS.md "Report", docs/REPORT.md).
 * The thresholds are named constants (rules.ts); the rule text shown in the report is built from them.
 * Groups: the initial state against the theory (init.ts), the chance level (chance.ts), what
 * happens during training (training.ts), and comparisons between configurations (comparisons.ts).
 */
import type { RunStore } from '../../store/runStore.ts';
import type { Selection } from '../select.ts';
import type { Table1 } from '../table1.ts';
import { chanceChecks } from './chance.ts';
import { initHistogramChecks, tanhNBeatsTanhChecks } from './comparisons.ts';
import { jacobianChecks, varianceChecks } from './init.ts';
import { datasetChance } from './rules.ts';
import { sigmoid4LearnsCheck, sigmoidCollapseCheck, softsignLessSaturatedCheck, tanhLayerByLayerCheck, tanhNNoSaturationCheck } from './training.ts';
import type { ChecksResult, Lookup } from './types.ts';

/**
 * Every check of the report, in the order it shows them.
 * @param store the run record (read only).
 * @param selections the selected runs of every configuration and dataset (select.ts).
 * @param table Table 1 as built from the selections.
 * @param mainDataset the dataset whose runs the per-run checks use (Shapeset when it ran).
 */
export function buildChecks(store: RunStore, selections: readonly Selection[], table: Table1, mainDataset: string | null): ChecksResult {
  const l: Lookup = {
    store,
    dataset: mainDataset,
    run: (label) => selections.find((s) => s.dataset === mainDataset && s.label === label)?.curveRun ?? null,
    chance: (dataset) => datasetChance(dataset, store.classPriors(dataset)?.priors ?? null),
  };
  const variance = varianceChecks(l);
  const chance = chanceChecks(l, table);
  const checks = [
    ...jacobianChecks(l),
    ...variance.checks,
    ...chance.checks,
    ...sigmoidCollapseCheck(l),
    ...tanhLayerByLayerCheck(l),
    ...sigmoid4LearnsCheck(l),
    ...tanhNNoSaturationCheck(l),
    ...softsignLessSaturatedCheck(l),
    ...tanhNBeatsTanhChecks(l, table),
    ...initHistogramChecks(l),
  ];
  return { checks, varianceTables: variance.tables, shapesetPriors: chance.priors, chanceError: chance.chance };
}
