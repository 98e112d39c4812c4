/**
 * TensorBoard plugin data: the hparams plugin's experiment and session records (so runs can be
 * filtered and compared by their configuration) and the custom-scalars layout (one chart per
 * statistic with every layer's curve on it: the paper's view, Figs. 2–4 and 6–8).
 *
 * The messages follow TensorBoard's `plugins/hparams/api.proto` and `plugin_data.proto`
 * (`HParamsPluginData{version=1, oneof{experiment=2, session_start_info=3, session_end_info=4}}`,
 * plugin data version 0, tags `_hparams_/experiment`, `_hparams_/session_start_info`,
 * `_hparams_/session_end_info`, each value carrying an empty float tensor as TensorBoard's own
 * `NULL_TENSOR`) and `plugins/custom_scalar/layout.proto` (tag `custom_scalars__config__`, the
 * serialised `Layout` as a scalar string tensor), with the upstream field numbers.
 */
import protobuf from 'protobufjs';
import type { SummaryValue, TensorValue } from './tensorboard.ts';

const PROTO = `
syntax = "proto3";
package tb;
message ListValue { repeated Value values = 1; }
message Value {
  oneof kind {
    int32 null_value = 1;
    double number_value = 2;
    string string_value = 3;
    bool bool_value = 4;
    ListValue list_value = 6;
  }
}
message Experiment {
  string description = 1;
  double time_created_secs = 3;
  repeated HParamInfo hparam_infos = 4;
  repeated MetricInfo metric_infos = 5;
  string name = 6;
}
message HParamInfo {
  string name = 1;
  string display_name = 2;
  string description = 3;
  int32 type = 4;
  ListValue domain_discrete = 5;
}
message MetricName { string group = 1; string tag = 2; }
message MetricInfo {
  MetricName name = 1;
  string display_name = 3;
  string description = 4;
  int32 dataset_type = 5;
}
message SessionStartInfo {
  map<string, Value> hparams = 1;
  string model_uri = 2;
  string group_name = 4;
  double start_time_secs = 5;
}
message SessionEndInfo { int32 status = 1; double end_time_secs = 2; }
message HParamsPluginData {
  int32 version = 1;
  oneof data {
    Experiment experiment = 2;
    SessionStartInfo session_start_info = 3;
    SessionEndInfo session_end_info = 4;
  }
}
message MultilineChartContent { repeated string tag = 1; }
message Chart {
  string title = 1;
  MultilineChartContent multiline = 2;
}
message Category {
  string title = 1;
  repeated Chart chart = 2;
  bool closed = 3;
}
message Layout {
  int32 version = 1;
  repeated Category category = 2;
}
`;

const root = protobuf.parse(PROTO, { keepCase: true }).root;
/** protobufjs types of the plugin messages (tests decode with them). */
export const HParamsPluginDataMessage: protobuf.Type = root.lookupType('tb.HParamsPluginData');
/** The custom-scalars `Layout` message. */
export const LayoutMessage: protobuf.Type = root.lookupType('tb.Layout');

/** Tags and plugin names TensorBoard's plugins look for. */
export const HPARAMS_PLUGIN = 'hparams';
export const EXPERIMENT_TAG = '_hparams_/experiment';
export const SESSION_START_TAG = '_hparams_/session_start_info';
export const SESSION_END_TAG = '_hparams_/session_end_info';
export const CUSTOM_SCALARS_PLUGIN = 'custom_scalars';
export const LAYOUT_TAG = 'custom_scalars__config__';

/** `api.proto`'s `Status`: how a session ended. */
export const SESSION_STATUS = { unknown: 0, success: 1, failure: 2, running: 3 } as const;

/** One hyperparameter value: what TensorBoard can filter on (numbers, strings, booleans). */
export type HParamValue = number | string | boolean;

/**
 * A run's configuration flattened to hparams: nested objects become dotted keys (`probe.interval`),
 * arrays and anything else JSON text (`hidden` = `[1000,1000]`), null and undefined are left out.
 * @param config the run's stored configuration (parsed JSON).
 * @param extra values added after the config's (e.g. `depth`, `run`), overriding equal keys.
 */
export function flattenHParams(config: Readonly<Record<string, unknown>>, extra: Readonly<Record<string, HParamValue>> = {}): Map<string, HParamValue> {
  const out = new Map<string, HParamValue>();
  const walk = (prefix: string, v: unknown): void => {
    if (v === null || v === undefined) return;
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out.set(prefix, v);
    else if (typeof v === 'object' && !Array.isArray(v)) for (const [k, w] of Object.entries(v)) walk(prefix === '' ? k : `${prefix}.${k}`, w);
    else out.set(prefix, JSON.stringify(v));
  };
  walk('', config);
  for (const [k, v] of Object.entries(extra)) out.set(k, v);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function valueOf(v: HParamValue): Record<string, unknown> {
  return typeof v === 'number' ? { number_value: v } : typeof v === 'string' ? { string_value: v } : { bool_value: v };
}

/** A plugin value: the metadata naming the plugin and its content, and the tensor TensorBoard requires. */
function pluginValue(tag: string, plugin: string, content: Uint8Array, tensor: TensorValue | null = null): SummaryValue {
  return {
    tag,
    metadata: { plugin_data: { plugin_name: plugin, content } },
    tensor: tensor ?? { dtype: 1, tensor_shape: { dim: [{ size: 0 }] }, float_val: [] },
  };
}

function hparamsValue(tag: string, data: Record<string, unknown>): SummaryValue {
  const content = HParamsPluginDataMessage.encode(HParamsPluginDataMessage.fromObject({ version: 0, ...data })).finish();
  return pluginValue(tag, HPARAMS_PLUGIN, content);
}

/** A metric the hparams table shows: a scalar tag of the session's own event files. */
export interface HParamsMetric {
  readonly tag: string;
  readonly description: string;
  /** `api.proto`'s DatasetType: 0 unknown, 1 training, 2 validation. */
  readonly datasetType: 0 | 1 | 2;
}

/**
 * The hparams plugin's experiment: which hyperparameters (typed by their value) and which metrics
 * its table has. TensorBoard takes the experiment from any run; every run of glorot writes one.
 */
export function experimentValue(hparams: ReadonlyMap<string, HParamValue>, metrics: readonly HParamsMetric[], timeCreated: number): SummaryValue {
  const type = (v: HParamValue): number => (typeof v === 'string' ? 1 : typeof v === 'boolean' ? 2 : 3);
  return hparamsValue(EXPERIMENT_TAG, {
    experiment: {
      time_created_secs: timeCreated,
      hparam_infos: [...hparams].map(([name, v]) => ({ name, type: type(v) })),
      metric_infos: metrics.map((m) => ({ name: { group: '', tag: m.tag }, description: m.description, dataset_type: m.datasetType })),
    },
  });
}

/** The session's start: its hyperparameter values, its model file, its group (runs differing only by seed). */
export function sessionStartValue(hparams: ReadonlyMap<string, HParamValue>, startTime: number, modelUri: string, group: string): SummaryValue {
  const values: Record<string, Record<string, unknown>> = {};
  for (const [k, v] of hparams) values[k] = valueOf(v);
  return hparamsValue(SESSION_START_TAG, {
    session_start_info: { hparams: values, start_time_secs: startTime, model_uri: modelUri, group_name: group },
  });
}

/** The session's end and its status (see {@link SESSION_STATUS}). */
export function sessionEndValue(status: number, endTime: number): SummaryValue {
  return hparamsValue(SESSION_END_TAG, { session_end_info: { status, end_time_secs: endTime } });
}

/** One chart of the custom-scalars layout: a title and the tag regular expressions it draws. */
export interface LayoutChart {
  readonly title: string;
  readonly tags: readonly string[];
}

/** The custom-scalars layout: categories of multi-line charts, rendered top to bottom. */
export function layoutValue(categories: readonly { readonly title: string; readonly charts: readonly LayoutChart[] }[]): SummaryValue {
  const layout = LayoutMessage.encode(
    LayoutMessage.fromObject({
      version: 0,
      category: categories.map((c) => ({ title: c.title, chart: c.charts.map((ch) => ({ title: ch.title, multiline: { tag: ch.tags } })) })),
    }),
  ).finish();
  return pluginValue(LAYOUT_TAG, CUSTOM_SCALARS_PLUGIN, new Uint8Array(0), { dtype: 7, tensor_shape: { dim: [] }, string_val: [layout] });
}
