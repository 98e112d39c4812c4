/**
 * The `artifacts` table (schema version 2): named results of a job that belong to no run, each a
 * JSON `meta` and a BLOB `data`. Used through {@link RunStore} (runStore.ts). Writing one replaces
 * an artifact of the same name (they are recomputed, deterministically, by every reproduce job).
 */
import {
  type ArtifactName,
  CLASS_PRIORS_PREFIX,
  type ClassPriors,
  COST_SURFACES_ARTIFACT,
  type CostSurfaces,
  EXAMPLE_SHEET_PREFIX,
  type ExampleSheet,
} from '../core/artifacts.ts';
import { RunStoreError } from './errors.ts';
import { decodeFloat64, encodeFloat64 } from './float64Blob.ts';
import type { Sql } from './sql.ts';

/** One artifact as stored. */
interface ArtifactRow {
  readonly meta: string;
  readonly data: Buffer;
}

function put(sql: Sql, name: ArtifactName, meta: object, data: Uint8Array): void {
  sql.assertWritable(`store the artifact ${name}`);
  sql.write(() =>
    sql
      .stmt('INSERT OR REPLACE INTO artifacts (name, meta, data, created_at) VALUES (?, ?, ?, ?)')
      .run(name, JSON.stringify(meta), Buffer.from(data.buffer, data.byteOffset, data.byteLength), new Date().toISOString()),
  );
}

function corrupt(sql: Sql, name: string, why: string): never {
  throw new RunStoreError('INVALID', `${sql.file}: artifact ${name} is malformed: ${why}`);
}

/**
 * Stores Fig. 5's cost surfaces: meta `{points, examples, labelNoise}`, data the float64 values of
 * `grid`, then `crossEntropy`, then `quadratic`.
 * @throws RunStoreError `INVALID` when readonly, or when the arrays' lengths disagree.
 */
export function putCostSurfaces(sql: Sql, s: CostSurfaces): void {
  const p = s.grid.length;
  if (s.crossEntropy.length !== p * p || s.quadratic.length !== p * p) {
    throw new RunStoreError('INVALID', `cost surfaces need ${p}² values each for a grid of ${p}, found ${s.crossEntropy.length} and ${s.quadratic.length}`);
  }
  const values = new Float64Array(p + 2 * p * p);
  values.set(s.grid, 0);
  values.set(s.crossEntropy, p);
  values.set(s.quadratic, p + p * p);
  put(sql, COST_SURFACES_ARTIFACT, { points: p, examples: s.examples, labelNoise: s.labelNoise }, encodeFloat64(values));
}

/**
 * Fig. 5's cost surfaces, or null when the record has none (made before they were stored).
 * @throws RunStoreError `INVALID` when the stored artifact is malformed.
 */
export function getCostSurfaces(sql: Sql): CostSurfaces | null {
  const row = sql.stmt('SELECT meta, data FROM artifacts WHERE name = ?').get(COST_SURFACES_ARTIFACT) as ArtifactRow | undefined;
  if (row === undefined) return null;
  const meta = JSON.parse(row.meta) as { points?: unknown; examples?: unknown; labelNoise?: unknown };
  const p = meta.points;
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 2 || typeof meta.examples !== 'number' || typeof meta.labelNoise !== 'number') {
    corrupt(sql, COST_SURFACES_ARTIFACT, `meta ${row.meta} lacks points, examples or labelNoise`);
  }
  const values = decodeFloat64(row.data);
  if (values.length !== p + 2 * p * p) corrupt(sql, COST_SURFACES_ARTIFACT, `${values.length} values for a grid of ${p} (expected ${p + 2 * p * p})`);
  return {
    grid: values.slice(0, p),
    crossEntropy: values.slice(p, p + p * p),
    quadratic: values.slice(p + p * p),
    examples: meta.examples,
    labelNoise: meta.labelNoise,
  };
}

/** Stores Fig. 1's sheet of one dataset (`fig1.examples.<dataset>`). @throws RunStoreError `INVALID` when readonly. */
export function putExampleSheet(sql: Sql, sheet: ExampleSheet): void {
  put(sql, `${EXAMPLE_SHEET_PREFIX}${sheet.dataset}`, { dataset: sheet.dataset, note: sheet.note, width: sheet.width, height: sheet.height }, sheet.png);
}

/**
 * Every stored example sheet, Shapeset's first, then by dataset name.
 * @throws RunStoreError `INVALID` when a stored sheet's meta is malformed.
 */
export function getExampleSheets(sql: Sql): ExampleSheet[] {
  const rows = sql
    .stmt("SELECT name, meta, data FROM artifacts WHERE substr(name, 1, length(?)) = ? ORDER BY name")
    .all(EXAMPLE_SHEET_PREFIX, EXAMPLE_SHEET_PREFIX) as Array<ArtifactRow & { name: string }>;
  const sheets = rows.map((r): ExampleSheet => {
    const m = JSON.parse(r.meta) as Partial<Record<keyof ExampleSheet, unknown>>;
    if (typeof m.dataset !== 'string' || typeof m.note !== 'string' || typeof m.width !== 'number' || typeof m.height !== 'number') {
      corrupt(sql, r.name, `meta ${r.meta} lacks dataset, note, width or height`);
    }
    return { dataset: m.dataset, note: m.note, width: m.width, height: m.height, png: new Uint8Array(r.data) };
  });
  return [...sheets.filter((s) => s.dataset === 'shapeset'), ...sheets.filter((s) => s.dataset !== 'shapeset')];
}

/** Stores a dataset's class priors (`class_priors.<dataset>`): meta `{dataset}`, data the float64 priors. @throws RunStoreError `INVALID` when readonly. */
export function putClassPriors(sql: Sql, p: ClassPriors): void {
  put(sql, `${CLASS_PRIORS_PREFIX}${p.dataset}`, { dataset: p.dataset }, encodeFloat64(p.priors));
}

/** A dataset's class priors, or null when the record holds none for it. */
export function getClassPriors(sql: Sql, dataset: string): ClassPriors | null {
  const row = sql.stmt('SELECT meta, data FROM artifacts WHERE name = ?').get(`${CLASS_PRIORS_PREFIX}${dataset}`) as ArtifactRow | undefined;
  return row === undefined ? null : { dataset, priors: Array.from(decodeFloat64(row.data)) };
}
