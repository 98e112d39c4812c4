#!/usr/bin/env node
// Builds the optional native addon build/native/glorot.node (native/*.c → N-API + OpenBLAS).
// Run by scripts/build.mjs (the `prepare` script, so during `npm ci`) and by `npm run build`.
//
// - When OpenBLAS (libopenblas-dev), the Node headers or a C compiler are missing, prints one line
//   saying the native backend was skipped and how to get it, and exits 0: the wasm backend is used.
// - Otherwise compiles directly with the system C compiler (no node-gyp: nothing is downloaded), in
//   about a second, and skips the compile when the addon is newer than its sources.
// - Writes to a temporary file and renames it into place, so a process that has the old addon loaded
//   (another test run) never sees a half-written shared object.
//
// CPU flags: no -march. The machines are x86_64 Zen 4 (AVX-512), but the addon must not crash with
// SIGILL on a CPU without AVX-512 (or without AVX2). The hot elementwise kernels (native/elementwise.c) are
// multiversioned with GCC `target_clones` (x86-64-v4 = AVX-512, x86-64-v3 = AVX2+FMA, baseline): the
// loader picks the best clone for the CPU at load time. GEMM and LAPACK speed come from OpenBLAS's own
// run-time dispatch. Everything else is baseline x86-64 code (not hot).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');
// every C file is one translation unit of the addon; the headers (activations.h is generated from
// src/core/activations.ts by scripts/kernel-tables.ts) only count for the up-to-date check
const nativeFiles = existsSync(nativeDir) ? readdirSync(nativeDir).sort().map((f) => join(nativeDir, f)) : [];
const sources = nativeFiles.filter((f) => f.endsWith('.c'));
const outDir = join(root, 'build', 'native');
const output = join(outDir, 'glorot.node');
const HOW = 'apt-get install -y libopenblas-dev, then npm run build';

function skip(why) {
  console.log(`glorot build: native backend skipped (${why}); to get it: ${HOW}`);
  process.exit(0);
}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

// Node's N-API headers: beside this node binary (official tarballs, nvm) or the distribution's.
function findNodeHeaders() {
  const candidates = [
    resolve(dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ];
  return candidates.find((d) => existsSync(join(d, 'node_api.h'))) ?? null;
}

// OpenBLAS: pkg-config first (Debian's openblas.pc points at the pthread variant), then known places.
function findOpenBlas() {
  if (which('pkg-config')) {
    const r = spawnSync('pkg-config', ['--cflags', '--libs', 'openblas'], { encoding: 'utf8' });
    if (r.status === 0) {
      const flags = r.stdout.trim().split(/\s+/).filter(Boolean);
      const incs = flags.filter((f) => f.startsWith('-I')).map((f) => f.slice(2));
      const hasHeader = incs.some((d) => existsSync(join(d, 'cblas.h'))) || existsSync('/usr/include/cblas.h');
      if (hasHeader) return flags;
    }
  }
  const includeDirs = [
    '/usr/include/x86_64-linux-gnu/openblas-pthread',
    '/usr/include/aarch64-linux-gnu/openblas-pthread',
    '/usr/include/openblas',
    '/usr/local/include',
    '/opt/OpenBLAS/include',
  ];
  const libDirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib', '/opt/OpenBLAS/lib'];
  const inc = includeDirs.find((d) => existsSync(join(d, 'cblas.h')) && readFileSync(join(d, 'cblas.h'), 'utf8').includes('openblas_get_corename'));
  const lib = libDirs.find((d) => existsSync(join(d, 'libopenblas.so')));
  if (!inc || !lib) return null;
  return [`-I${inc}`, `-L${lib}`, '-lopenblas'];
}

function upToDate() {
  if (!existsSync(output)) return false;
  const built = statSync(output).mtimeMs;
  return [...nativeFiles, fileURLToPath(import.meta.url)].every((f) => statSync(f).mtimeMs <= built);
}

if (sources.length === 0) skip('native/*.c is missing');
const compiler = process.env.CC || which('gcc') || which('cc') || which('clang');
if (!compiler) skip('no C compiler found (apt-get install -y gcc)');
const nodeHeaders = findNodeHeaders();
if (!nodeHeaders) skip('Node headers (node_api.h) not found');
const blas = findOpenBlas();
if (!blas) skip('OpenBLAS headers/library not found');

if (upToDate() && process.env.GLOROT_FORCE_NATIVE_BUILD !== '1') {
  console.log(`glorot build: native addon up to date (${output})`);
  process.exit(0);
}

mkdirSync(outDir, { recursive: true });
const tmp = `${output}.${process.pid}.tmp`;
const args = [
  '-std=gnu11',
  '-O3',
  '-fPIC',
  '-shared',
  '-fvisibility=hidden',
  // No errno from math calls and no FP-trap semantics: lets GCC vectorise fabsf and the selects.
  // (Not -ffast-math: the kernels rely on IEEE NaN/Infinity behaviour.)
  '-fno-math-errno',
  '-fno-trapping-math',
  '-Wall',
  '-Wextra',
  `-I${nodeHeaders}`,
  ...blas.filter((f) => f.startsWith('-I')),
  ...sources,
  '-o',
  tmp,
  ...blas.filter((f) => !f.startsWith('-I')),
  '-lm',
];
const t0 = Date.now();
const r = spawnSync(compiler, args, { stdio: 'inherit' });
if (r.status !== 0) {
  rmSync(tmp, { force: true });
  console.error(`glorot build: compiling the native addon failed: ${compiler} ${args.join(' ')}`);
  process.exit(1);
}
renameSync(tmp, output);
console.log(`glorot build: native addon built in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${output}`);
