/**
 * `import { … } from 'glorot'` works from another package (issue 15, item 15): a temporary package
 * depends on this one through a `file:` dependency (npm links it, as for a local checkout), trains a
 * tiny network through the library, reads the record back, and type-checks a TypeScript use of the
 * API against the declarations of package.json `types` (build/types, made by `npm ci`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = process.cwd();

const USE_MJS = `import { train, createBackend, openRecord, parseTrainConfig, glorotVersion, SCALAR_METRICS } from 'glorot';
const backend = await createBackend({ name: 'reference' });
const config = parseTrainConfig({ hidden: [4], updates: 20, validationSize: 10, testSize: 10, probe: { size: 5 } });
const r = await train({ outDir: 'out', backend, config, runId: 'lib' });
backend.dispose();
const record = openRecord('out');
const test = record.evaluationSeries('lib', 'test');
const std = record.scalarSeries('lib', 'weight.std');
console.log(JSON.stringify({ version: glorotVersion(), status: r.run.status, runs: record.listRuns().map((x) => x.id),
  lastTest: test[test.length - 1], layers: [...new Set(std.map((p) => p.layer))], known: 'weight.std' in SCALAR_METRICS }));
record.close();
`;

const USE_TS = `import { openRecord, train, type TrainConfig, type TrainResult, type RunInfo } from 'glorot';
export async function run(config: TrainConfig, backend: Parameters<typeof train>[0]['backend']): Promise<string> {
  const r: TrainResult = await train({ outDir: 'out', backend, config });
  const record = openRecord('out');
  const runs: RunInfo[] = record.listRuns();
  record.close();
  return r.run.id + runs.length;
}
// @ts-expect-error: the API is typed (no any): a status is not a number
const wrong: number = (null as unknown as RunInfo).status;
`;

test('a separate package imports glorot by name, trains through it, reads the record, and type-checks against its declarations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-consumer-'));
  try {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { glorot: `file:${REPO}` } }));
    const npm = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: dir, encoding: 'utf8', timeout: 600_000 });
    assert.equal(npm.status, 0, npm.stderr);
    writeFileSync(join(dir, 'use.mjs'), USE_MJS);
    const r = spawnSync(process.execPath, ['use.mjs'], { cwd: dir, encoding: 'utf8', timeout: 600_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { version: string; status: string; runs: string[]; lastTest: { updates: number; examples: number }; layers: number[]; known: boolean };
    assert.equal(out.version, (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
    assert.equal(out.status, 'finished');
    assert.deepEqual(out.runs, ['lib']);
    assert.deepEqual([out.lastTest.updates, out.lastTest.examples], [20, 10]);
    assert.deepEqual(out.layers, [1, 2], 'one hidden layer and the output layer (STORE.md: layer d + 1)');
    assert.equal(out.known, true);
    // the TypeScript view: package.json types → build/types
    writeFileSync(join(dir, 'use.ts'), USE_TS);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: [] }, files: ['use.ts'] }));
    // tsc reads the declarations of the whole graph (≈ 10 s of CPU; minutes on a loaded machine): no short timeout
    const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: dir, encoding: 'utf8', timeout: 1_800_000 });
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lib/glorot.js re-exports exactly the names of src/api/index.ts', async () => {
  const api = await import('../../../src/api/index.ts');
  const shim = readFileSync('lib/glorot.js', 'utf8');
  const listed = /export const \{([^}]*)\} = api;/.exec(shim)![1]!.split(',').map((s) => s.trim()).filter((s) => s !== '');
  assert.deepEqual(listed.sort(), Object.keys(api).sort());
});
