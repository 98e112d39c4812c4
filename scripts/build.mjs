#!/usr/bin/env node
// Builds the project's compiled parts; run by `npm ci` / `npm install` (the `prepare` script) and by
// `npm run build`. npm 11 blocks dependencies' install scripts but runs the project's own, so every
// compiled piece is built here:
//  - the kernels' activation tables (codes, constants) for C and AssemblyScript, generated from their
//    one home, src/core/activations.ts (scripts/kernel-tables.ts): first, both builds include them;
//  - the WebAssembly kernels (AssemblyScript → wasm, plain SIMD and relaxed SIMD): required;
//  - the native OpenBLAS addon: built when libopenblas-dev is present, otherwise skipped with a note;
//  - the dashboard's web app (web/ → build/web/, Vite): required, `glorot serve` serves it.
//  - the library's type declarations (tsc -p tsconfig.api.json → build/types).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

function run(script, nodeArgs = []) {
  if (!existsSync(script)) return 0;
  const r = spawnSync(process.execPath, [...nodeArgs, script], { stdio: 'inherit' });
  return r.status ?? 1;
}

if (run('scripts/kernel-tables.ts', ['--import', 'tsx']) !== 0) {
  console.error('glorot build: generating the kernel tables from src/core/activations.ts failed (see above)');
  process.exit(1);
}

if (run('scripts/build-wasm.mjs') !== 0) {
  console.error('glorot build: the WebAssembly kernels failed to build (see above)');
  process.exit(1);
}
// The library's type declarations (package.json `types`: build/types/api/index.d.ts) from src/api.
if (spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.api.json'], { stdio: 'inherit' }).status !== 0) {
  console.error('glorot build: the type declarations of src/api failed to build (see above)');
  process.exit(1);
}
// The native addon is optional: its script prints why it was skipped and exits 0 in that case.
if (run('scripts/build-native.mjs') !== 0) {
  console.error('glorot build: the native addon failed to build; the wasm backend will be used');
}
if (run('scripts/build-web.mjs') !== 0) {
  console.error('glorot build: the dashboard web app failed to build (see above)');
  process.exit(1);
}
