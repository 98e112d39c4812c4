/**
 * A TensorBoard event-file writer (no npm package writes them): protobuf messages encoded with
 * protobufjs, framed as TFRecords (tfrecord.ts, masked CRC-32C).
 *
 * The messages are the subset of TensorFlow's `tensorflow/core/util/event.proto` and
 * `tensorflow/core/framework/summary.proto` TensorBoard needs for scalars and histograms, with the
 * upstream field numbers: `Event{wall_time=1, step=2, oneof{file_version=3, summary=5}}`,
 * `Summary{repeated Value value=1}`, `Value{tag=1, oneof{simple_value=2, histo=5}}`,
 * `HistogramProto{min=1, max=2, num=3, sum=4, sum_squares=5, bucket_limit=6, bucket=7}` (packed), and for
 * plugin data (hparams, custom scalars: tensorboard-plugins.ts) `Value{metadata=9, tensor=8}`,
 * `SummaryMetadata{plugin_data=1 {plugin_name=1, content=2}}`, `TensorProto{dtype=1, tensor_shape=2,
 * float_val=5, string_val=8}` (`DataType` DT_FLOAT = 1, DT_STRING = 7).
 * Every file starts with an Event whose `file_version` is `brain.Event:2`, as TensorFlow writes.
 */
import { openSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { syncAndClose, writeAll } from './durable.ts';
import { frameRecord } from './tfrecord.ts';
import { ensureDir } from './paths.ts';

const PROTO = `
syntax = "proto3";
package tensorboard;
message HistogramProto {
  double min = 1;
  double max = 2;
  double num = 3;
  double sum = 4;
  double sum_squares = 5;
  repeated double bucket_limit = 6 [packed = true];
  repeated double bucket = 7 [packed = true];
}
message TensorShapeProto {
  message Dim {
    int64 size = 1;
  }
  repeated Dim dim = 2;
}
message TensorProto {
  int32 dtype = 1;
  TensorShapeProto tensor_shape = 2;
  repeated float float_val = 5 [packed = true];
  repeated bytes string_val = 8;
}
message SummaryMetadata {
  message PluginData {
    string plugin_name = 1;
    bytes content = 2;
  }
  PluginData plugin_data = 1;
}
message Summary {
  message Value {
    string tag = 1;
    SummaryMetadata metadata = 9;
    oneof value {
      float simple_value = 2;
      HistogramProto histo = 5;
      TensorProto tensor = 8;
    }
  }
  repeated Value value = 1;
}
message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what {
    string file_version = 3;
    Summary summary = 5;
  }
}
`;

const root = protobuf.parse(PROTO, { keepCase: true }).root;
/** The protobufjs type of `tensorboard.Event` (also used by tests to decode). */
export const EventMessage: protobuf.Type = root.lookupType('tensorboard.Event');

/** The `file_version` of the first event of every file. */
export const FILE_VERSION = 'brain.Event:2';

/** A histogram in TensorBoard's form: `bucket[i]` values in (bucket_limit[i−1], bucket_limit[i]]. */
export interface HistogramValue {
  readonly min: number;
  readonly max: number;
  readonly num: number;
  readonly sum: number;
  readonly sum_squares: number;
  readonly bucket_limit: readonly number[];
  readonly bucket: readonly number[];
}

/** A `TensorProto`: a float vector, or strings (`DataType` DT_FLOAT = 1, DT_STRING = 7). */
export interface TensorValue {
  readonly dtype: 1 | 7;
  readonly tensor_shape: { readonly dim: readonly { readonly size: number }[] };
  readonly float_val?: readonly number[];
  readonly string_val?: readonly Uint8Array[];
}

/** A `SummaryMetadata` naming the plugin that reads the value, with its plugin-specific content. */
export interface PluginMetadata {
  readonly plugin_data: { readonly plugin_name: string; readonly content?: Uint8Array };
}

/** One `Summary.Value`: a scalar (`simple_value`, stored as float32), a histogram, or a plugin's tensor. */
export type SummaryValue =
  | { readonly tag: string; readonly simple_value: number }
  | { readonly tag: string; readonly histo: HistogramValue }
  | { readonly tag: string; readonly metadata: PluginMetadata; readonly tensor: TensorValue };

/** An event to encode: exactly one of `file_version` or `summary`. */
export interface EventFields {
  /** Unix seconds. */
  readonly wall_time: number;
  readonly step: number;
  readonly file_version?: string;
  readonly summary?: { readonly value: readonly SummaryValue[] };
}

/** Serialises an Event message (no framing). */
export function encodeEvent(event: EventFields): Uint8Array {
  return EventMessage.encode(EventMessage.fromObject(event)).finish();
}

/**
 * Converts a binned histogram (`counts[i]` in `[edges[i], edges[i+1])`) to a HistogramProto.
 * Empty bins at both ends are dropped and `min`/`max` are the outer edges of the bins kept, so
 * TensorBoard (which draws bucket i from bucket_limit[i−1], the first from `min`, the last to `max`)
 * shows exactly the stored bins. `sum` and `sum_squares` are computed from bin midpoints (the raw
 * values are not kept), so they are approximations.
 * @param edges `counts.length + 1` increasing finite edges.
 */
export function histogramValue(edges: ArrayLike<number>, counts: ArrayLike<number>): HistogramValue {
  let start = 0;
  while (start < counts.length && !(counts[start]! > 0)) start++;
  let end = counts.length - 1;
  while (end >= start && !(counts[end]! > 0)) end--;
  if (start > end) return { min: 0, max: 0, num: 0, sum: 0, sum_squares: 0, bucket_limit: [], bucket: [] };
  const bucketLimit: number[] = [];
  const bucket: number[] = [];
  let num = 0;
  let sum = 0;
  let sumSquares = 0;
  for (let i = start; i <= end; i++) {
    const c = counts[i]!;
    const mid = (edges[i]! + edges[i + 1]!) / 2;
    bucketLimit.push(edges[i + 1]!);
    bucket.push(c);
    num += c;
    sum += c * mid;
    sumSquares += c * mid * mid;
  }
  return { min: edges[start]!, max: edges[end + 1]!, num, sum, sum_squares: sumSquares, bucket_limit: bucketLimit, bucket };
}

/** Options of {@link EventFileWriter}. */
export interface EventFileWriterOptions {
  /** File name (default `events.out.tfevents.<unix seconds>.<host>.<pid>.glorot`); must contain `tfevents`. */
  readonly filename?: string;
  /** Wall time of the `file_version` event, Unix seconds (default now). */
  readonly wallTime?: number;
}

/** Appends events to one new event file. Synchronous; call {@link close} when done. */
export class EventFileWriter {
  /** The event file's path. */
  readonly path: string;
  private fd: number | null;

  /**
   * Creates `logDir` if needed and a new event file in it, and writes the `file_version` event.
   * @throws Error when `filename` lacks `tfevents` (TensorBoard would ignore the file) or exists;
   *   RunStoreError `UNWRITABLE` when `logDir` cannot be created.
   */
  constructor(logDir: string, options: EventFileWriterOptions = {}) {
    const wallTime = options.wallTime ?? Date.now() / 1000;
    const name =
      options.filename ?? `events.out.tfevents.${Math.floor(wallTime)}.${hostname().replace(/[^A-Za-z0-9.-]/g, '_')}.${process.pid}.glorot`;
    if (!name.includes('tfevents')) throw new Error(`event file name "${name}" must contain "tfevents" for TensorBoard to read it`);
    ensureDir(logDir, 'the TensorBoard log directory');
    this.path = join(logDir, name);
    this.fd = openSync(this.path, 'wx');
    this.write({ wall_time: wallTime, step: 0, file_version: FILE_VERSION });
  }

  /** Frames and appends one event. @throws Error after {@link close}. */
  write(event: EventFields): void {
    if (this.fd === null) throw new Error(`event file ${this.path} is closed`);
    writeAll(this.fd, frameRecord(encodeEvent(event)));
  }

  /** Appends one event holding all `values` at `step`. */
  addSummary(values: readonly SummaryValue[], step: number, wallTime: number = Date.now() / 1000): void {
    this.write({ wall_time: wallTime, step, summary: { value: values } });
  }

  /** Appends a scalar (TensorBoard stores it as float32). */
  addScalar(tag: string, value: number, step: number, wallTime?: number): void {
    this.addSummary([{ tag, simple_value: value }], step, wallTime);
  }

  /** Appends a binned histogram (see {@link histogramValue}). */
  addHistogram(tag: string, edges: ArrayLike<number>, counts: ArrayLike<number>, step: number, wallTime?: number): void {
    this.addSummary([{ tag, histo: histogramValue(edges, counts) }], step, wallTime);
  }

  /** Flushes to disk and closes the file. Idempotent. */
  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    syncAndClose(fd);
  }
}
