import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportCsv, exportTensorboard, openRunStore, scalarTag, type RunStore } from '../../../src/store/index.ts';
import { histogramRecord, readEvents, pointEvents, tempDir } from '../../helpers/store.ts';

/** A store with one run of two hand-written probe points. */
function fixture(dir: string): { store: RunStore; id: string } {
  const store = openRunStore(dir);
  const { id } = store.createRun({ id: 'tiny', config: { activation: 'tanh' }, seed: 1, backend: 'reference', threads: 1 });
  store.recordProbePoint(id, 0, {
    wallTime: 1000,
    scalars: [
      { layer: 1, name: 'activation.mean', value: 0.25 },
      { layer: -1, name: 'probe.loss', value: 2.5 },
    ],
    histograms: [histogramRecord(1, 'activation', [-1, 0, 1], [3, 1], { nan: 2, negInf: 1 })],
    evaluations: [{ split: 'test', errorRate: 90, nll: 2.25, examples: 300 }],
  });
  store.recordProbePoint(id, 100, {
    wallTime: 1010,
    scalars: [{ layer: 1, name: 'activation.mean', value: Number.NaN }],
    evaluations: [{ split: 'test', errorRate: 12.5, nll: Number.POSITIVE_INFINITY, examples: 300 }],
  });
  return { store, id };
}

test('exportCsv: long-format scalars, evaluations and histograms, run.json and a README', () => {
  const { dir, cleanup } = tempDir();
  const { store, id } = fixture(dir);
  try {
    const out = join(dir, 'csv');
    const r = exportCsv(store, id, out);
    assert.deepEqual([r.points, r.scalars, r.histograms], [2, 3, 1]);
    assert.deepEqual(readdirSync(out).sort(), ['README.txt', 'evaluations.csv', 'histograms.csv', 'run.json', 'scalars.csv']);
    const read = (f: string): string => readFileSync(join(out, f), 'utf8');
    assert.equal(read('scalars.csv'), 'run,updates,layer,statistic,value\ntiny,0,-1,probe.loss,2.5\ntiny,0,1,activation.mean,0.25\ntiny,100,1,activation.mean,NaN\n');
    assert.equal(read('evaluations.csv'), 'run,updates,split,error_rate,nll,examples\ntiny,0,test,90,2.25,300\ntiny,100,test,12.5,Infinity,300\n');
    assert.equal(
      read('histograms.csv'),
      'run,updates,layer,tensor,lower,upper,bin_count\ntiny,0,1,activation,-1,0,3\ntiny,0,1,activation,0,1,1\ntiny,0,1,activation,NaN,NaN,2\ntiny,0,1,activation,-Infinity,-Infinity,1\n',
    );
    assert.match(read('README.txt'), /scalars\.csv\s+run,updates,layer,statistic,value/);
    assert.match(read('README.txt'), /error_rate in percent/);
    const run = JSON.parse(read('run.json')) as { id: string; config: unknown; lastUpdate: number };
    assert.deepEqual([run.id, run.config, run.lastUpdate], ['tiny', { activation: 'tanh' }, 100]);
    assert.throws(() => exportCsv(store, 'nope', out), /no run "nope" .*; runs there: tiny/);
  } finally {
    store.close();
    cleanup();
  }
});

test('exportTensorboard: tags, steps, wall times, histograms; re-export replaces its own file', () => {
  const { dir, cleanup } = tempDir();
  const { store, id } = fixture(dir);
  try {
    const logDir = join(dir, 'tb', id);
    const r = exportTensorboard(store, id, logDir);
    assert.deepEqual([r.points, r.scalars, r.histograms], [2, 7, 1]);
    const all = readEvents(readFileSync(r.files[0]!));
    assert.equal(all[0]!.file_version, 'brain.Event:2');
    assert.equal(all[0]!.wall_time, 1000);
    // the file_version, the plugin data (hparams, layout: tensorboard-run.test.ts), then one event per probe point
    const ev = [all[0]!, ...pointEvents(all)];
    assert.equal(ev.length, 3);
    assert.equal(ev[1]!.step ?? 0, 0);
    assert.equal(ev[1]!.wall_time, 1000);
    const tags = Object.fromEntries(ev[1]!.summary!.value.map((v) => [v.tag, v]));
    assert.deepEqual(Object.keys(tags).sort(), ['eval/test/error_rate', 'eval/test/nll', 'layer1/activation', 'layer1/activation/mean', 'network/probe/loss']);
    assert.equal(tags['layer1/activation/mean']!.simple_value, 0.25);
    assert.equal(tags['network/probe/loss']!.simple_value, 2.5);
    assert.equal(tags['eval/test/error_rate']!.simple_value, 90);
    assert.equal(tags['eval/test/nll']!.simple_value, 2.25);
    assert.deepEqual(tags['layer1/activation']!.histo, { min: -1, max: 1, num: 4, sum: 3 * -0.5 + 0.5, sum_squares: 1, bucket_limit: [0, 1], bucket: [3, 1] });
    assert.equal(ev[2]!.step, 100);
    assert.equal(ev[2]!.wall_time, 1010);
    const last = Object.fromEntries(ev[2]!.summary!.value.map((v) => [v.tag, v.simple_value]));
    assert.ok(Number.isNaN(last['layer1/activation/mean']));
    assert.equal(last['eval/test/nll'], Number.POSITIVE_INFINITY);

    exportTensorboard(store, id, logDir);
    assert.deepEqual(readdirSync(logDir).filter((f) => f.includes('tfevents')).length, 1);
    assert.equal(readdirSync(join(logDir, 'by_probe')).length, 1);
  } finally {
    store.close();
    cleanup();
  }
});

test('scalarTag: layers and the network, dots become TensorBoard groups', () => {
  assert.equal(scalarTag(1, 'activation.mean'), 'layer1/activation/mean');
  assert.equal(scalarTag(3, 'theory.backprop_grad.var'), 'layer3/theory/backprop_grad/var');
  assert.equal(scalarTag(-1, 'probe.loss'), 'network/probe/loss');
  assert.equal(scalarTag(2, 'activation.std'), 'layer2/activation/std');
});
