#!/usr/bin/env node
// Runs the node:test suite in two phases: test/unit (fast: no child process, no training longer than
// about a second) first, then test/e2e (the CLI, child processes, a real reproduce). Both always run;
// the exit status is non-zero when either fails. Arguments are substring filters on the file paths
// (`node scripts/test.mjs test/unit/store probe.test.ts`). Node 20 expands no globs and finds no .ts
// files in a directory argument, so we list the test files ourselves (../shared/notes/ENGINEERING.md).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const PHASES = ['test/unit', 'test/e2e'];

function find(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const all = find('test');
const stray = all.filter((f) => !PHASES.some((p) => f.startsWith(`${p}/`)));
if (stray.length > 0) {
  console.error(`scripts/test.mjs: test files outside ${PHASES.join(' and ')} (move each under one of them):\n  ${stray.join('\n  ')}`);
  process.exit(1);
}
const filter = process.argv.slice(2);
const selected = filter.length > 0 ? all.filter((f) => filter.some((s) => f.includes(s))) : all;
if (selected.length === 0) {
  console.error('scripts/test.mjs: no test files matched');
  process.exit(1);
}
let failed = false;
const times = [];
for (const phase of PHASES) {
  const files = selected.filter((f) => f.startsWith(`${phase}/`));
  if (files.length === 0) continue;
  console.log(`\n# ${phase}: ${files.length} files`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
  times.push(`${phase} ${((performance.now() - t0) / 1000).toFixed(0)} s${r.status === 0 ? '' : ' (failed)'}`);
  if (r.status !== 0) failed = true;
}
console.log(`\n# ${times.join(' · ')}`);
process.exit(failed ? 1 : 0);
