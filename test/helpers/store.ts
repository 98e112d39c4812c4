/** Shared helpers of the run-record tests: temporary directories and a synthetic probe point. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type Database from 'better-sqlite3';
import { maskedCrc32c } from '../../src/store/crc32c.ts';
import { EventMessage } from '../../src/store/tensorboard.ts';
import type { HistogramRecord, ScalarRecord } from '../../src/core/metrics.ts';
import type { ProbePoint } from '../../src/store/types.ts';

/**
 * Asserts that the readers and deleteAfter use the indexes of `db` (a run record of the current
 * schema): no scan of a whole run per probe point.
 */
export function assertIndexedPlans(db: Database.Database): void {
  const plan = (sql: string): string => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
  const del = plan("DELETE FROM probe_points WHERE run = 'a' AND updates > 3");
  for (const t of ['scalars', 'histograms', 'evaluations']) assert.match(del, new RegExp(`SEARCH ${t} USING PRIMARY KEY \\(run=\\? AND updates=\\?\\)`), del);
  assert.match(plan("SELECT layer, name, value FROM scalars WHERE run = 'a' AND updates = 3 ORDER BY layer, name"), /SEARCH scalars USING PRIMARY KEY \(run=\? AND updates=\?\)/);
  assert.match(plan("SELECT updates, value FROM scalars WHERE run = 'a' AND name = 'x' AND layer = 1 ORDER BY updates"), /COVERING INDEX scalars_by_name \(run=\? AND name=\? AND layer=\?\)/);
  assert.match(plan("SELECT DISTINCT updates FROM histograms WHERE run = 'a' AND tensor = 'x' ORDER BY updates"), /histograms_by_tensor \(run=\? AND tensor=\?\)/);
  assert.match(plan("SELECT updates, split, error_rate, nll, examples FROM evaluations WHERE run = 'a' AND split = 'test' ORDER BY updates"), /evaluations_by_split \(run=\? AND split=\?\)/);
}

/** A fresh temporary directory and a function that removes it. */
export function tempDir(prefix = 'glorot-store-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A histogram record from plain arrays; the non-finite tallies default to 0. */
export function histogramRecord(
  layer: number,
  tensor: HistogramRecord['tensor'],
  edges: readonly number[],
  counts: readonly number[],
  tallies: Partial<Pick<HistogramRecord, 'nan' | 'posInf' | 'negInf'>> = {},
): HistogramRecord {
  return { layer, tensor, edges: Float64Array.from(edges), counts: Float64Array.from(counts), nan: tallies.nan ?? 0, posInf: tallies.posInf ?? 0, negInf: tallies.negInf ?? 0 };
}

/** Layers 1..LAYERS, statistic names NAMES: a synthetic point has LAYERS × NAMES.length scalars. */
export const LAYERS = 3;
export const NAMES = ['activation.mean', 'activation.std', 'weight.std'] as const;
/** Tensors with a histogram per layer. */
export const TENSORS = ['activation', 'backprop_grad'] as const;

/** A deterministic synthetic probe point whose values encode (update, layer, name index). */
export function syntheticPoint(update: number): ProbePoint {
  const scalars: ScalarRecord[] = [];
  const histograms: HistogramRecord[] = [];
  for (let layer = 1; layer <= LAYERS; layer++) {
    for (let k = 0; k < NAMES.length; k++) scalars.push({ layer, name: NAMES[k]!, value: update + layer / 10 + k / 100 });
    for (const tensor of TENSORS) {
      histograms.push(histogramRecord(layer, tensor, [-1, 0, 0.5, 1], [update, layer, 1], { nan: layer === 2 ? 1 : 0 }));
    }
  }
  scalars.push({ layer: -1, name: 'probe.loss', value: 1 / (update + 1) });
  return {
    scalars,
    histograms,
    evaluations: [
      { split: 'train', errorRate: 50 - update / 100, nll: 2, examples: 1000 },
      { split: 'test', errorRate: 60 - update / 100, nll: 2.5, examples: 300 },
    ],
    wallTime: 1_700_000_000 + update,
  };
}

/** Scalars per synthetic point (layers × names + the network loss). */
export const SCALARS_PER_POINT = LAYERS * NAMES.length + 1;

/** An Event as protobufjs decodes it (fields at their proto3 default are absent). */
export interface DecodedEvent {
  wall_time?: number;
  step?: number;
  file_version?: string;
  summary?: { value: DecodedValue[] };
}

/** A Summary.Value as protobufjs decodes it. */
export interface DecodedValue {
  tag: string;
  simple_value?: number;
  histo?: { min?: number; max?: number; num?: number; bucket_limit?: number[]; bucket?: number[] };
  metadata?: { plugin_data?: { plugin_name?: string; content?: Uint8Array } };
  tensor?: { dtype?: number; tensor_shape?: { dim?: Array<{ size?: number }> }; float_val?: number[]; string_val?: Uint8Array[] };
}

/** The events of a log that hold probe points: those whose values carry no plugin metadata. */
export function pointEvents(events: readonly DecodedEvent[]): DecodedEvent[] {
  return events.filter((e) => e.summary !== undefined && !e.summary.value.some((v) => v.metadata !== undefined));
}

/** A minimal TFRecord reader: checks both masked CRCs of every record and decodes Events. */
export function readEvents(bytes: Uint8Array): DecodedEvent[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const events: DecodedEvent[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    assert.ok(pos + 12 <= bytes.length, 'truncated header');
    const len = Number(view.getBigUint64(pos, true));
    assert.equal(view.getUint32(pos + 8, true), maskedCrc32c(bytes.subarray(pos, pos + 8)), `length CRC of record at ${pos}`);
    const data = bytes.subarray(pos + 12, pos + 12 + len);
    assert.equal(data.length, len, 'truncated data');
    assert.equal(view.getUint32(pos + 12 + len, true), maskedCrc32c(data), `data CRC of record at ${pos}`);
    events.push(EventMessage.toObject(EventMessage.decode(data), { longs: Number }) as DecodedEvent);
    pos += len + 16;
  }
  return events;
}
