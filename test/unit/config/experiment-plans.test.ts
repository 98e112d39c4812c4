/**
 * An experiment is checked whole before anything runs (issue 15, item 8): every generated run id
 * obeys the run-id rule (`lr1e+21` did not, and `--dry-run` accepted it), a name derived from a long
 * folder path stays short enough for its run ids, and a network no backend can hold is named by the
 * experiment's field and file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExperiment, planRuns, sizeFields } from '../../../src/config/experiment.ts';
import { experimentFor, experimentName, SCALES } from '../../../src/config/scales.ts';
import { InvalidInputError } from '../../../src/core/errors.ts';
import { isRunId } from '../../../src/core/run-ids.ts';
import { createReferenceBackend } from '../../../src/kernels/reference.ts';
import { checkRunSizes } from '../../../src/run/plan-check.ts';

const base = { name: 'e1', learningRates: [0.1], variants: [{ label: 'Tanh N', activation: 'tanh', init: 'normalized' }] };

test('every learning rate gives a valid run id (no "+" from 1e+21), and distinct rates distinct ids', () => {
  const rates = [1e21, 1e-7, 3e-4, 0.01, 0.1, 1, 12345678, 1.5e300, 5e-324, 0.1 + 0.2];
  const runs = planRuns(parseExperiment({ ...base, learningRates: rates }, 'x.json'));
  for (const r of runs) assert.ok(isRunId(r.runId), r.runId);
  assert.equal(new Set(runs.map((r) => r.runId)).size, rates.length);
  assert.equal(runs[0]!.runId, 'e1-tanh-n-lr1e21-s1');
  assert.equal(runs[1]!.runId, 'e1-tanh-n-lr1e-7-s1');
});

test('a run id too long is refused when planning, naming the file, the variant and the id', () => {
  const long = { ...base, name: 'a'.repeat(41), variants: [{ label: 'b'.repeat(40), activation: 'tanh', init: 'normalized' }], seeds: [123456789] };
  assert.throws(
    () => planRuns(parseExperiment(long, { file: 'x.json' }), { file: 'x.json' }),
    (e: unknown) =>
      e instanceof InvalidInputError &&
      e.file === 'x.json' &&
      e.message.startsWith(`x.json: experiment ${'a'.repeat(41)}, the id of the run of variant "${'b'.repeat(40)}", learning rate 0.1, seed 123456789: expected a run id: `) &&
      e.message.includes('(99 characters)'),
  );
});

test('experiment names from dataset names: the short ones as they were, long or odd paths shortened and told apart', () => {
  const long = `folder:/${'very-long-directory-name/'.repeat(12)}pets`;
  const cases: ReadonlyArray<readonly [string, string | RegExp]> = [
    ['shapeset', 'shapeset'],
    ['fashion-mnist', 'fashion-mnist'],
    ['folder:/tmp/pets', 'folder-tmp-pets'],
    ['idx:/data/tiles', 'idx-data-tiles'],
    [long, /^folder-pets-[0-9a-f]{8}$/],
    [`idx:/${'x'.repeat(300)}`, /^idx-x{16}-[0-9a-f]{8}$/],
    ['/', /^folder-[0-9a-f]{8}$/],
    ['folder:/tmp/ÄÖÜ', 'folder-tmp'],
    ['folder:/tmp/\u001b]0;x\u0007', 'folder-tmp-0-x'],
    ['/abs/dir', 'abs-dir'],
  ];
  for (const [dataset, expected] of cases) {
    const name = experimentName(dataset);
    if (typeof expected === 'string') assert.equal(name, expected, dataset);
    else assert.match(name, expected, dataset);
    // at every scale, with 1000 seeds, every run id of the experiment is valid
    for (const scale of SCALES) {
      const runs = planRuns(parseExperiment(experimentFor(dataset, scale, { seeds: 1000 }), `${dataset} experiment`));
      for (const r of runs) assert.ok(isRunId(r.runId), `${dataset} ${scale}: ${r.runId}`);
    }
  }
  assert.notEqual(experimentName(long), experimentName(long.replace('/pets', '/x/pets')), 'two long paths of one folder name differ');
});

test('a network the backend cannot hold is named by the experiment field that chose it', () => {
  const backend = createReferenceBackend(1e6);
  const check = (input: object): void => {
    const e = parseExperiment({ ...base, ...input }, { file: 'big.json' });
    checkRunSizes(planRuns(e), () => ({ inputSize: 1024, classes: 10 }), backend, (r) => ({ ...sizeFields(e, r.label), source: { file: 'big.json' } }));
  };
  const refused = (field: string, found: RegExp) => (err: unknown): boolean =>
    err instanceof InvalidInputError && err.file === 'big.json' && err.field === field && err.message.startsWith('big.json: experiment e1, variant "Tanh N": ') && found.test(err.found);
  assert.throws(() => check({ base: { hidden: [1e9] } }), refused('base.hidden', /^a 1024-1000000000-10 network, whose weights need 1,035,000,000,010 values \(4\.1 TB\)$/));
  assert.throws(() => check({ base: { hidden: [1000, 1000] } }), refused('base.hidden', /network, whose weights need/));
  assert.throws(() => check({ variants: [{ label: 'Tanh N', activation: 'tanh', init: 'normalized', depth: 1000 }] }), refused('variants[0].depth', /network, whose weights need/));
  assert.throws(() => check({ base: { hidden: [8], minibatch: 100_000 } }), refused('base.minibatch', /^100000 rows, whose buffers/));
  check({ base: { hidden: [8], minibatch: 10 } });
  backend.dispose();
});
