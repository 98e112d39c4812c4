/**
 * The C and AssemblyScript activation tables are generated from src/core/activations.ts by
 * scripts/kernel-tables.ts (run by `npm run build`). This fails when a committed generated file has
 * drifted from the table — an activation added, renumbered or its constant changed without a build.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ACTIVATIONS, ACTIVATION_TABLE } from '../../../src/core/activations.ts';
import { generatedFiles, renderAssemblyScript, renderC } from '../../../scripts/kernel-tables.ts';

test('the committed generated kernel tables are exactly what src/core/activations.ts renders', () => {
  for (const { path, content } of generatedFiles()) {
    assert.equal(readFileSync(path, 'utf8'), content, `${path} has drifted: run npm run build and commit it`);
  }
});

test('the generated tables hold every code and constant of the table, as literals that read back exactly', () => {
  const c = renderC();
  const as = renderAssemblyScript();
  for (const a of ACTIVATIONS) {
    const name = `ACT_${a.toUpperCase()}`;
    assert.match(c, new RegExp(`^  ${name} = ${ACTIVATION_TABLE[a].code},$`, 'm'));
    assert.match(as, new RegExp(`^@inline export const ${name}: i32 = ${ACTIVATION_TABLE[a].code};$`, 'm'));
    for (const [key, v] of Object.entries(ACTIVATION_TABLE[a].constants)) {
      const constant = `${a}_${key}`.toUpperCase();
      const cf = new RegExp(`^#define ${constant} (\\S+)f$`, 'm').exec(c);
      const cd = new RegExp(`^#define ${constant}_D (\\S+)$`, 'm').exec(c);
      const asf = new RegExp(`^@inline export const ${constant}: f32 = (\\S+);$`, 'm').exec(as);
      for (const m of [cf, cd, asf]) assert.ok(m && Number(m[1]) === v, `${constant}: ${m?.[1]} reads back as ${v}`);
    }
  }
  assert.match(c, new RegExp(`^  ACT_COUNT = ${ACTIVATIONS.length}$`, 'm'));
  // the integer-valued ELU alpha must still be a floating-point literal in C (1.0f, not 1f)
  assert.match(c, /^#define ELU_ALPHA 1\.0f$/m);
});
