/**
 * The run's TensorBoard log (issue 15, item 11): written live (a reader sees it grow), the hparams
 * plugin's experiment and session (the run's config, to filter runs by), the custom-scalars layout
 * (one chart per statistic, a line per layer), and a by-probe-index sub-run for log-spaced points.
 * Read back with protobufjs and the upstream field numbers (no python tensorboard here: see
 * docs/DECISIONS.md "TensorBoard").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openRunStore } from '../../../src/store/index.ts';
import { BY_PROBE_DIR, RunEventLog } from '../../../src/store/tensorboard-run.ts';
import { HParamsPluginDataMessage, LayoutMessage } from '../../../src/store/tensorboard-plugins.ts';
import { SCALAR_METRICS } from '../../../src/core/metrics.ts';
import { pointEvents, readEvents, syntheticPoint, tempDir, type DecodedEvent, type DecodedValue } from '../../helpers/store.ts';

const CONFIG = { dataset: 'shapeset', hidden: [8, 8, 8], activation: 'softsign', learningRate: 0.01, probe: { interval: 100, early: true } };

function eventsIn(dir: string): DecodedEvent[] {
  const files = readdirSync(dir).filter((f) => f.includes('tfevents'));
  assert.equal(files.length, 1, `one event file in ${dir}`);
  return readEvents(readFileSync(join(dir, files[0]!)));
}

function pluginValues(events: readonly DecodedEvent[]): Map<string, DecodedValue> {
  const out = new Map<string, DecodedValue>();
  for (const e of events) for (const v of e.summary?.value ?? []) if (v.metadata !== undefined) out.set(v.tag, v);
  return out;
}

function hparamsData(v: DecodedValue): Record<string, unknown> {
  assert.equal(v.metadata!.plugin_data!.plugin_name, 'hparams');
  // TensorBoard's NULL_TENSOR: a length-0 float vector (the size 0 is proto3's default, not written)
  assert.deepEqual({ dtype: v.tensor!.dtype, dim: v.tensor!.tensor_shape!.dim?.map((d) => d.size ?? 0) }, { dtype: 1, dim: [0] });
  return HParamsPluginDataMessage.toObject(HParamsPluginDataMessage.decode(v.metadata!.plugin_data!.content!), { longs: Number, defaults: false }) as Record<string, unknown>;
}

test('RunEventLog: a reader sees the log grow point by point while it is open, in both the step and the probe-index runs', () => {
  const { dir, cleanup } = tempDir();
  const store = openRunStore(dir);
  try {
    store.createRun({ id: 'live', config: CONFIG, seed: 3, backend: 'reference', threads: 1 });
    store.recordProbePoint('live', 0, syntheticPoint(0));
    const logDir = join(dir, 'tb', 'live');
    const log = new RunEventLog(store, 'live', logDir);
    assert.deepEqual(pointEvents(eventsIn(logDir)).map((e) => e.step ?? 0), [0]);
    const seen: number[][] = [];
    for (const u of [1, 2, 5, 10, 20, 50, 100, 200]) {
      store.recordProbePoint('live', u, syntheticPoint(u));
      log.append(u);
      // read while the writer is still open: every point is on disk as soon as it is appended
      seen.push(pointEvents(eventsIn(logDir)).map((e) => e.step ?? 0));
    }
    assert.deepEqual(seen.at(-1), [0, 1, 2, 5, 10, 20, 50, 100, 200]);
    assert.deepEqual(seen.map((s) => s.length), [2, 3, 4, 5, 6, 7, 8, 9]);
    // by probe index: evenly spaced steps, the update count beside each
    const byProbe = eventsIn(join(logDir, BY_PROBE_DIR)).filter((e) => e.summary !== undefined);
    assert.deepEqual(byProbe.map((e) => e.step ?? 0), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(byProbe.map((e) => e.summary!.value.find((v) => v.tag === 'updates')?.simple_value ?? 0), [0, 1, 2, 5, 10, 20, 50, 100, 200]);
    assert.equal(byProbe[8]!.summary!.value.find((v) => v.tag === 'layer2/activation/std')!.simple_value, Math.fround(200 + 0.2 + 0.01));
    assert.ok(!byProbe.some((e) => e.summary!.value.some((v) => v.histo !== undefined)), 'the probe-index run holds scalars only');
    log.close('interrupted');
    // an interrupted run can go on: its hparams session is not ended
    assert.equal(pluginValues(eventsIn(logDir)).has('_hparams_/session_end_info'), false);
    assert.deepEqual(log.counts(), { points: 9, scalars: 9 * (3 * 3 + 1 + 4), histograms: 9 * 3 * 2 });
  } finally {
    store.close();
    cleanup();
  }
});

test('RunEventLog: the hparams experiment and session hold the run config, flattened and typed; a finished run ends its session', () => {
  const { dir, cleanup } = tempDir();
  const store = openRunStore(dir);
  try {
    store.createRun({ id: 'hp', config: CONFIG, seed: 3, backend: 'reference', threads: 1 });
    store.recordProbePoint('hp', 0, syntheticPoint(0));
    store.setStatus('hp', 'finished');
    const log = new RunEventLog(store, 'hp', join(dir, 'tb', 'hp'));
    log.close('finished', 1234.5);
    const plugins = pluginValues(eventsIn(join(dir, 'tb', 'hp')));
    const experiment = hparamsData(plugins.get('_hparams_/experiment')!)['experiment'] as {
      hparam_infos: Array<{ name: string; type?: number }>;
      metric_infos: Array<{ name: { tag: string } }>;
    };
    const types = Object.fromEntries(experiment.hparam_infos.map((h) => [h.name, h.type]));
    // DATA_TYPE_STRING = 1, DATA_TYPE_FLOAT64 = 3
    assert.deepEqual(types, { activation: 1, dataset: 1, depth: 3, hidden: 1, learningRate: 3, 'probe.early': 2, 'probe.interval': 3, run: 1 });
    assert.deepEqual(
      experiment.metric_infos.map((m) => m.name.tag),
      ['eval/train/error_rate', 'eval/train/nll', 'eval/validation/error_rate', 'eval/validation/nll', 'eval/test/error_rate', 'eval/test/nll'],
    );
    const start = hparamsData(plugins.get('_hparams_/session_start_info')!)['session_start_info'] as { hparams: Record<string, Record<string, unknown>>; model_uri: string };
    assert.deepEqual(start.hparams['activation'], { string_value: 'softsign' });
    assert.deepEqual(start.hparams['hidden'], { string_value: '[8,8,8]' });
    assert.deepEqual(start.hparams['learningRate'], { number_value: 0.01 });
    assert.deepEqual(start.hparams['depth'], { number_value: 3 });
    assert.deepEqual(start.hparams['probe.early'], { bool_value: true });
    assert.equal(start.model_uri, 'models/hp.safetensors');
    const end = hparamsData(plugins.get('_hparams_/session_end_info')!)['session_end_info'];
    assert.deepEqual(end, { status: 1, end_time_secs: 1234.5 }); // STATUS_SUCCESS
  } finally {
    store.close();
    cleanup();
  }
});

test('RunEventLog: the custom-scalars layout has one chart per per-layer statistic whose regex takes every layer and nothing else', () => {
  const { dir, cleanup } = tempDir();
  const store = openRunStore(dir);
  try {
    store.createRun({ id: 'lay', config: CONFIG, seed: 3, backend: 'reference', threads: 1 });
    new RunEventLog(store, 'lay', join(dir, 'tb')).close('running');
    const v = pluginValues(eventsIn(join(dir, 'tb'))).get('custom_scalars__config__')!;
    assert.equal(v.metadata!.plugin_data!.plugin_name, 'custom_scalars');
    assert.equal(v.tensor!.dtype, 7); // DT_STRING, a scalar holding the serialised Layout
    const layout = LayoutMessage.toObject(LayoutMessage.decode(v.tensor!.string_val![0]!)) as {
      category: Array<{ title: string; chart: Array<{ title: string; multiline: { tag: string[] } }> }>;
    };
    const charts = layout.category.flatMap((c) => c.chart);
    const byTitle = new Map(charts.map((c) => [c.title, new RegExp(c.multiline.tag[0]!)]));
    for (const name of ['activation.mean', 'activation.p98', 'activation.saturated', 'backprop_grad.std', 'weight_grad.std', 'weight.std']) {
      const re = byTitle.get(name);
      assert.ok(re, `a chart for ${name}`);
      const tag = name.replaceAll('.', '/');
      for (const layer of [1, 2, 10]) assert.ok(re.test(`layer${layer}/${tag}`), `${name} takes layer ${layer}`);
      assert.ok(!re.test(`network/${tag}`) && !re.test(`layer1/${tag}/x`) && !re.test(`layer1/${tag.replace('/', 'X')}`), `${name} takes nothing else`);
    }
    // every chart draws a statistic the vocabulary knows, and no theory or network-level one
    for (const c of charts.filter((c) => !c.title.includes('('))) assert.ok(c.title in SCALAR_METRICS && !/^(theory|meanfield|jacobian|probe)\./.test(c.title), c.title);
    assert.deepEqual(layout.category.at(-1)!.chart.map((c) => c.multiline.tag[0]), ['^eval/[a-z]+/error_rate$', '^eval/[a-z]+/nll$']);
  } finally {
    store.close();
    cleanup();
  }
});
