/**
 * The architecture of docs/ARCHITECTURE.md, enforced: the layer table read from the document itself
 * (so the picture and the test cannot drift), every import in src/ checked against it, no import cycle
 * anywhere in src/, and the size limits on src/ and native/. Known offenders are listed, each with its
 * reason, in ./architecture-exceptions.ts; an exception that no longer excuses anything fails too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  cycleViolations,
  excuses,
  importCycles,
  importsOf,
  layerViolations,
  MAX_LINES,
  MAX_WIDTH,
  parseLayerTable,
  type Rule,
  sizeViolations,
  type Violation,
} from './architecture.ts';
import { ARCHITECTURE_EXCEPTIONS } from './architecture-exceptions.ts';
import { readSources } from './sources.ts';

const DOC = 'docs/ARCHITECTURE.md';
const EXCEPTIONS_FILE = 'test/unit/repo/architecture-exceptions.ts';

const table = parseLayerTable(readFileSync(DOC, 'utf8'), DOC);
const sources = readSources(['src', 'native']);
const srcFiles = [...sources.keys()].filter((f) => f.startsWith('src/'));
const known = new Set(srcFiles);
const edges = srcFiles.flatMap((f) => importsOf(f, sources.get(f)!, known));
const violations: Violation[] = [
  ...layerViolations(srcFiles, edges, table, DOC),
  ...cycleViolations(srcFiles, edges),
  ...sizeViolations(sources),
];

/** The violations of `rules` that no exception excuses, as one readable block. */
function unexcused(rules: readonly Rule[]): string {
  return violations
    .filter((v) => rules.includes(v.rule) && !ARCHITECTURE_EXCEPTIONS.some((e) => excuses(e, v)))
    .map((v) => `  [${v.rule}] ${v.message}`)
    .join('\n');
}

test(`${DOC} declares the layers, keeping issue 10's invariants, and the repository has files in them`, () => {
  // the table is read from the document only; these are the invariants no edit of it may drop
  assert.equal(table.mayImport.get(table.order[0]!)!.size, 0, `the first layer (${table.order[0]}) imports nothing in src`);
  assert.equal(table.order.at(-1), 'cli', 'cli, the only layer that knows flags, comes last');
  const report = [...(table.mayImport.get('report') ?? [])];
  for (const computes of ['run', 'probes', 'nn', 'kernels', 'data']) {
    assert.ok(table.order.includes(computes) && !report.includes(computes), `the report reads the record: it may not import ${computes}`);
  }
  assert.ok(srcFiles.length > 50 && edges.length > 100, `read ${srcFiles.length} files and ${edges.length} imports`);
});

test('every import in src/ follows the layer table, and every src/ file lies in a declared layer', () => {
  const bad = unexcused(['import', 'layer']);
  if (bad) assert.fail(`imports across the layering (fix them; an exception needs its reason in ${EXCEPTIONS_FILE}):\n${bad}`);
});

test('no import cycle among src/ files', () => {
  const bad = unexcused(['cycle']);
  if (bad) assert.fail(`import cycles (break them; an exception needs its reason in ${EXCEPTIONS_FILE}):\n${bad}`);
});

test(`files in src/ and native/ have at most ${MAX_LINES} lines of at most ${MAX_WIDTH} characters (generated files exempt)`, () => {
  const bad = unexcused(['lines', 'width']);
  if (bad) assert.fail(`split or wrap them (a generated file says @generated in its first lines):\n${bad}`);
});

test('every exception has a reason and still excuses something (remove it once its offender is fixed)', () => {
  for (const e of ARCHITECTURE_EXCEPTIONS) assert.ok(e.reason.trim().length >= 20, `${e.rule} ${e.file}: give the reason`);
  const stale = ARCHITECTURE_EXCEPTIONS.filter((e) => !violations.some((v) => excuses(e, v)));
  assert.deepEqual(
    stale.map((e) => `${e.rule} ${e.file}${e.to ? ` → ${e.to}` : ''}`),
    [],
    `these exceptions excuse nothing any more: delete them from ${EXCEPTIONS_FILE}`,
  );
});

// The checker itself, on planted examples: each rule must be able to fail.

const TOY_DOC = [
  '| layer | may import | holds |',
  '|---|---|---|',
  '| `core` | (nothing in src) | shared words |',
  '| `nn` | `core` | the network |',
  '| `cli` | everything | flags |',
].join('\n');

test('the checker finds static, type-only, re-export, dynamic and worker imports, not ones in comments or strings', () => {
  const text = [
    "/** import { x } from '../nn/old.ts' */",
    "import type { A } from '../nn/a.ts';",
    'import {',
    '  b,',
    "} from '../nn/b.ts';",
    "export * from './c.ts';",
    "const s = \"import z from '../nn/z.ts'\";",
    "const m = await import('../nn/d.ts');",
    "const w = new URL('../nn/worker.ts', import.meta.url);",
    "import { readFileSync } from 'node:fs';",
  ].join('\n');
  const files = new Set(['src/core/x.ts', 'src/core/c.ts', ...['a', 'b', 'd', 'z', 'old', 'worker'].map((n) => `src/nn/${n}.ts`)]);
  const found = importsOf('src/core/x.ts', text, files).map((e) => `${e.to}:${e.line}`);
  assert.deepEqual(found, ['src/nn/a.ts:2', 'src/nn/b.ts:5', 'src/core/c.ts:6', 'src/nn/d.ts:8', 'src/nn/worker.ts:9']);
  const toy = parseLayerTable(TOY_DOC, 'toy.md');
  const upward = layerViolations([...files], importsOf('src/core/x.ts', text, files), toy, 'toy.md');
  assert.equal(upward.length, 4);
  assert.equal(upward[0]!.message, "src/core/x.ts:2 imports src/nn/a.ts ('../nn/a.ts'): layer core may import nothing in src (toy.md), not nn");
  const stray = layerViolations(['src/random/rng.ts', 'src/main.ts'], [], toy, 'toy.md').map((v) => v.message);
  assert.deepEqual(stray, [
    'src/random/rng.ts: in src/random/, which is not a layer of toy.md (layers: core, nn, cli)',
    'src/main.ts: directly in src/, which is not a layer of toy.md (layers: core, nn, cli)',
  ]);
});

test('the layer table must point up: a layer may import only layers declared above it', () => {
  assert.deepEqual([...parseLayerTable(TOY_DOC, 'toy.md').mayImport.get('cli')!], ['core', 'nn']);
  const down = TOY_DOC.replace('| `core` | (nothing in src) |', '| `core` | `nn` |');
  assert.throws(() => parseLayerTable(down, 'toy.md'), /^Error: toy\.md:3: layer core may import nn, which is not declared above it/);
  assert.throws(() => parseLayerTable('# no table', 'toy.md'), /toy\.md: no table with the header \| layer \| may import \| holds \|/);
});

test('cycles of any length are found (Tarjan), each reported with a shortest cycle', () => {
  const e = (from: string, to: string): { from: string; to: string; specifier: string; line: number } => ({ from, to, specifier: to, line: 1 });
  const edges = [e('a', 'b'), e('b', 'c'), e('c', 'a'), e('c', 'd'), e('d', 'd'), e('x', 'a')];
  assert.deepEqual(importCycles(['a', 'b', 'c', 'd', 'x'], edges), [['d'], ['a', 'b', 'c']]);
  assert.deepEqual(
    cycleViolations(['a', 'b', 'c', 'd', 'x'], edges).map((v) => v.message),
    ['import cycle of 1 file: d → d', 'import cycle of 3 files: a → b → c → a; the whole cycle: a, b, c'],
  );
});

test('size limits: a file over the line limit and a line over the width are found; a generated file is exempt', () => {
  const long = Array.from({ length: MAX_LINES + 1 }, (_, i) => `const v${i} = ${i};`).join('\n') + '\n';
  const wide = `const s = '${'x'.repeat(MAX_WIDTH)}';\nconst ok = 1;\n`;
  const generated = `// @generated by scripts/build.mjs\n${long}`;
  const capitals = `/* GENERATED by scripts/kernel-tables.ts: do not edit */\n${long}`;
  const found = sizeViolations(new Map([['src/a.ts', long], ['src/b.ts', wide], ['src/g.ts', generated], ['native/g.h', capitals]]));
  assert.deepEqual(found.map((v) => v.message), [
    `src/a.ts: ${MAX_LINES + 1} lines (at most ${MAX_LINES})`,
    `src/b.ts: 1 line over ${MAX_WIDTH} characters (longest ${MAX_WIDTH + 13} at line 1; lines 1)`,
  ]);
  assert.equal(sizeViolations(new Map([['src/c.ts', `${'∂'.repeat(MAX_WIDTH)}\n`]])).length, 0, 'characters, not bytes');
});

test('an exception excuses only its rule, file or folder, and target', () => {
  const v: Violation = { rule: 'import', file: 'src/report/a.ts', to: 'src/nn/mlp.ts', message: '' };
  assert.ok(excuses({ rule: 'import', file: 'src/report/', to: 'src/nn/', reason: 'r' }, v));
  assert.ok(!excuses({ rule: 'import', file: 'src/report/', to: 'src/kernels/', reason: 'r' }, v));
  assert.ok(!excuses({ rule: 'lines', file: 'src/report/a.ts', reason: 'r' }, v));
  const cycle: Violation = { rule: 'cycle', file: 'src/report/a.ts', files: ['src/report/a.ts', 'src/run/b.ts'], message: '' };
  assert.ok(!excuses({ rule: 'cycle', file: 'src/report/', reason: 'r' }, cycle), 'a cycle leaving the folder is not excused');
});
