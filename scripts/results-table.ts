/**
 * Prints the learning-rate pilot of a reproduce job as a Markdown table, read from its run record
 * only: per configuration and learning rate, the last update recorded, the validation and test error
 * and cost there, and the fraction of saturated units per hidden layer (Figs. 3–4); the rates ranked
 * by the report's selection rule (src/report/select.ts: lowest validation error, ties to the smaller
 * rate), among the rates that reached the furthest update of their configuration. Used for results/paper-shapeset/README.md (issue 16).
 *
 * Usage: node --import tsx scripts/results-table.ts OUT_DIR
 */
import { openRunStore } from '../src/store/index.ts';

const outDir = process.argv[2];
if (outDir === undefined) throw new Error('usage: results-table.ts OUT_DIR');
const store = openRunStore(outDir, { readonly: true });
const pct = (v: number | undefined): string => (v === undefined ? '–' : v.toFixed(2));
const rows = store.listRuns().map((run) => {
  const validation = store.latestEvaluation(run.id, 'validation');
  const test = store.latestEvaluation(run.id, 'test');
  const saturated = store
    .latestScalars(run.id)
    .filter((s) => s.name === 'activation.saturated' && s.layer >= 1)
    .sort((a, b) => a.layer - b.layer)
    .map((s) => `${Math.round(100 * s.value)}`);
  const config = run.id.replace(/-lr[^-]+-s\d+$/, '');
  return { run, config, lr: Number(run.config['learningRate']), validation, test, saturated };
});
const configs = [...new Set(rows.map((r) => r.config))];
console.log('| configuration | learning rate | updates | validation error % | validation NLL | test error % | saturated % per layer | rank |');
console.log('|---|---:|---:|---:|---:|---:|---|---:|');
for (const c of configs) {
  const of = rows.filter((r) => r.config === c).sort((a, b) => a.lr - b.lr);
  // rates are compared at the same update only: the furthest any of them got (the pilot's stage)
  const stage = Math.max(...of.map((r) => r.run.lastUpdate ?? 0));
  const ranked = of.filter((r) => r.run.lastUpdate === stage).sort((a, b) => (a.validation?.errorRate ?? 100) - (b.validation?.errorRate ?? 100) || a.lr - b.lr);
  for (const r of of) {
    const rank: number | string = r.run.lastUpdate === stage ? ranked.indexOf(r) + 1 : 'training';
    console.log(
      `| ${c} | ${r.lr} | ${r.run.lastUpdate ?? '–'} | ${pct(r.validation?.errorRate)} | ${r.validation?.nll.toFixed(4) ?? '–'} | ` +
        `${pct(r.test?.errorRate)} | ${r.saturated.join(' / ') || '–'} | ${rank === 1 ? '**1**' : rank} |`,
    );
  }
}
store.close();
