/** The Shapeset-3×2 chance level, and the depth-5 sigmoid's test error against it (Table 1). */
import { PAPER_SHAPESET_CHANCE, paperTable1 } from '../paper.ts';
import type { Table1 } from '../table1.ts';
import { CHANCE_TOLERANCE_PP, chanceError, LEARNED_MARGIN_PP } from './rules.ts';
import { type Check, type Lookup, notRun } from './types.ts';

/** Why a record without Shapeset's stored class priors has no chance level. */
const NO_PRIORS = 'this run record holds no Shapeset-3×2 class priors (made before glorot stored them); run glorot reproduce here again to add them';

/**
 * The chance level of Shapeset-3×2 from the class priors the reproduce job stored (computed from the
 * generator's sampling rule), and Sigmoid depth 5's Table 1 error against it.
 * @returns the checks `chance.level` and `chance.sigmoid5`, the priors (empty when the record holds
 *   none) and the chance error in % (NaN then).
 */
export function chanceChecks(l: Lookup, table: Table1): { checks: Check[]; priors: number[]; chance: number } {
  const priors = [...(l.store.classPriors('shapeset')?.priors ?? [])];
  const chance = priors.length > 0 ? chanceError(priors) : NaN;
  const source = `${PAPER_SHAPESET_CHANCE.source.where} (${PAPER_SHAPESET_CHANCE.source.transcribed})`;
  const levelTitle = 'Shapeset-3×2 chance level (majority-class error) from the class priors';
  const levelRule =
    "priors computed from the generator's sampling rule (1 or 2 objects with probability ½, types uniform); " +
    "chance = 100·(1 − largest prior); pass within 0.1 pp of the paper's ≈ 83.3";
  const paperChance = `≈ ${PAPER_SHAPESET_CHANCE.value} %`;
  const checks: Check[] = [
    priors.length === 0
      ? notRun('chance.level', 'chance', levelTitle, PAPER_SHAPESET_CHANCE.value, paperChance, levelRule, NO_PRIORS, source)
      : {
          id: 'chance.level',
          group: 'chance',
          title: levelTitle,
          ours: chance,
          oursText: `${chance.toFixed(2)} %`,
          paper: PAPER_SHAPESET_CHANCE.value,
          paperText: paperChance,
          verdict: Math.abs(chance - PAPER_SHAPESET_CHANCE.value) <= 0.1 ? 'pass' : 'fail',
          rule: levelRule,
          detail: `priors: ${priors.map((p) => p.toFixed(4)).join(', ')}`,
          runs: [],
          source,
        },
  ];
  const cell = table.cells.find((c) => c.dataset === 'shapeset' && c.label === 'Sigmoid');
  const paper = paperTable1('Sigmoid', 'Shapeset');
  const title = 'Sigmoid (depth 5) test error on Shapeset-3×2 vs chance';
  const rule =
    `pass when |ours − chance| ≤ ${CHANCE_TOLERANCE_PP} percentage points (the paper's 82.61 % is chance) while the best other configuration ` +
    `of the column is more than ${LEARNED_MARGIN_PP} points below chance (so training worked, and it is sigmoid that is stuck); ` +
    "ours = Table 1's mean test error of Sigmoid (depth of the Sigmoid row) on Shapeset-3×2";
  const others = table.cells.filter((c) => c.dataset === 'shapeset' && c.label !== 'Sigmoid' && c.mean !== null).map((c) => c.mean!);
  const bestOther = others.length > 0 ? Math.min(...others) : null;
  const othersLearned = bestOther !== null && bestOther < chance - LEARNED_MARGIN_PP;
  const sigmoidSource = 'Table 1 (SPEC.md §6)';
  if (!cell || !cell.ran || cell.mean === null) {
    checks.push(notRun('chance.sigmoid5', 'chance', title, paper, `${paper} % (chance)`, rule, 'no Sigmoid run on Shapeset-3×2', sigmoidSource));
  } else if (priors.length === 0) {
    checks.push({ ...notRun('chance.sigmoid5', 'chance', title, paper, `${paper} % (chance)`, rule, NO_PRIORS, sigmoidSource), runs: cell.runIds });
  } else {
    checks.push({
      id: 'chance.sigmoid5',
      group: 'chance',
      title,
      ours: cell.mean,
      oursText: `${cell.mean.toFixed(2)} % (chance ${chance.toFixed(2)} %)`,
      paper,
      paperText: `${paper} % (chance)`,
      verdict: Math.abs(cell.mean - chance) <= CHANCE_TOLERANCE_PP && othersLearned ? 'pass' : 'fail',
      rule,
      detail:
        `per seed: ${cell.errors.map((e) => e.toFixed(2)).join(', ')}; learning rate ${cell.learningRate}; ` +
        `best other configuration: ${bestOther === null ? 'none run' : `${bestOther.toFixed(2)} %`}` +
        (othersLearned ? '' : ' — no other configuration got clearly below chance, so "sigmoid stuck at chance" is not shown'),
      runs: cell.runIds,
      source: sigmoidSource,
    });
  }
  return { checks, priors, chance };
}
