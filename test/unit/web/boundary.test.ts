/**
 * The web app reads the record only through the server's API (issue 11; docs/ARCHITECTURE.md,
 * "Outside src/"): of src/ it imports values only from core/metrics.ts (names and definitions), and
 * anything else only as types — so no store, report or Node code can reach the browser bundle.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SRC = join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : n.endsWith('.ts') ? [p] : [];
  });
}

/** Every `import … from '…'` of a file: whether it is type-only, and the resolved path. */
function imports(file: string): { typeOnly: boolean; target: string }[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gm)].map((m) => ({
    typeOnly: m[2] !== undefined,
    target: m[3]!.startsWith('.') ? resolve(join(file, '..'), m[3]!) : m[3]!,
  }));
}

test('web/src imports values from src/ only out of core/metrics.ts, and types otherwise', () => {
  const bad: string[] = [];
  let seen = 0;
  for (const f of files(join(ROOT, 'web', 'src'))) {
    for (const i of imports(f)) {
      if (!i.target.startsWith(SRC)) continue;
      seen++;
      const rel = relative(SRC, i.target);
      if (!i.typeOnly && rel !== join('core', 'metrics.ts')) bad.push(`${relative(ROOT, f)} imports ${rel}`);
    }
  }
  assert.ok(seen > 5, `the scan found ${seen} imports of src/`);
  assert.deepEqual(bad, []);
});
