#!/usr/bin/env node
// Compiles the wasm backend's AssemblyScript kernels (src/kernels/wasm/assembly/) with the
// installed compiler (node_modules/assemblyscript, no network) into two builds:
//   build/wasm/kernels-simd.wasm     WebAssembly SIMD (runs everywhere SIMD does)
//   build/wasm/kernels-relaxed.wasm  + relaxed SIMD (f32x4.relaxed_madd → FMA); chosen at run time
//                                    when WebAssembly.validate accepts it
// Both import a shared memory `env.memory` (maximum 65536 pages = 4 GiB) and use the threads
// feature (memory.atomic.wait/notify) for the kernel worker. Skips the work when the outputs are
// newer than every source (and this script). Exits non-zero with a message on any failure.
//
// Usage: node scripts/build-wasm.mjs [--force]
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'src/kernels/wasm/assembly');
const outDir = join(root, 'build/wasm');
const entry = join(srcDir, 'index.ts');

/** The two builds: output file and the extra features enabled. */
const BUILDS = [
  { file: 'kernels-simd.wasm', features: 'simd,threads' },
  { file: 'kernels-relaxed.wasm', features: 'simd,threads,relaxed-simd' },
];

function fail(message) {
  console.error(`build-wasm: ${message}`);
  process.exit(1);
}

function newestSourceTime() {
  let newest = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  for (const name of readdirSync(srcDir)) {
    if (name.endsWith('.ts') || name.endsWith('.json')) newest = Math.max(newest, statSync(join(srcDir, name)).mtimeMs);
  }
  return newest;
}

function upToDate() {
  const newest = newestSourceTime();
  return BUILDS.every(({ file }) => {
    try {
      return statSync(join(outDir, file)).mtimeMs > newest;
    } catch {
      return false;
    }
  });
}

const force = process.argv.includes('--force');
if (!force && upToDate()) {
  console.log('build-wasm: build/wasm is up to date');
  process.exit(0);
}

let asc;
try {
  asc = (await import('assemblyscript/asc')).default;
} catch (e) {
  fail(`cannot load the AssemblyScript compiler (node_modules/assemblyscript): ${e instanceof Error ? e.message : e}\n` +
    '  install the dependencies first (npm ci)');
}

mkdirSync(outDir, { recursive: true });
const started = Date.now();
for (const { file, features } of BUILDS) {
  const out = join(outDir, file);
  const args = [
    relative(process.cwd(), entry),
    '--outFile', out,
    '--optimizeLevel', '3',
    '--shrinkLevel', '0',
    '--noAssert',
    '--runtime', 'stub',
    '--use', 'abort=',
    '--importMemory',
    '--sharedMemory',
    '--initialMemory', '1',
    '--maximumMemory', '65536',
    '--enable', features,
  ];
  let output = '';
  const sink = { write: (chunk) => { output += String(chunk); return true; } };
  const { error } = await asc.main(args, { stdout: sink, stderr: sink });
  if (error) fail(`compiling ${relative(root, out)} failed: ${error.message}\n${output}`);
  const bytes = readFileSync(out);
  if (!features.includes('relaxed') && !WebAssembly.validate(bytes)) {
    fail(`${relative(root, out)} was written but does not validate as WebAssembly`);
  }
  console.log(`build-wasm: ${relative(root, out)} (${bytes.length} bytes)`);
}
console.log(`build-wasm: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
