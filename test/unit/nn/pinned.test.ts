/**
 * Bit-identity pins: short training runs and probes on every backend, reduced to SHA-256 digests of
 * the exact bits of the weights, the losses and the probe statistics, compared with digests recorded
 * before a refactoring (issue 10: "behaviour unchanged — the same weights bit for bit for the same
 * seed/backend/threads"). A refactoring that changes one bit of one weight, loss or statistic on any
 * backend fails here.
 *
 * The float32 kernels of the fast backends depend on the machine (the native addon picks an
 * AVX-512, AVX2 or baseline clone; OpenBLAS its kernels; the wasm backend relaxed or plain SIMD), so
 * their digests are recorded per machine, keyed by the backend's `detail` line. On a machine with
 * another key the fast-backend pins are skipped with that reason; the reference backend (float64
 * JavaScript) and the initialisation draws (TypeScript) are pinned everywhere.
 *
 * To record the digests of a new machine: `GLOROT_PIN_PRINT=1 node scripts/test.mjs test/unit/nn/pinned`
 * prints the actual digests; add them below with the key printed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ACTIVATIONS } from '../../../src/core/activations.ts';

import type { Backend } from '../../../src/kernels/backend.ts';
import { INIT_NAMES } from '../../../src/core/init-schemes.ts';
import { initWeights } from '../../../src/nn/init.ts';
import { Mlp } from '../../../src/nn/mlp.ts';
import { probeNetwork } from '../../../src/probes/probe.ts';
import { Rng } from '../../../src/core/rng.ts';
import { availableBackends } from '../../helpers/backends.ts';

const PRINT = process.env['GLOROT_PIN_PRINT'] === '1';

/** A digest of the exact bits of float arrays and numbers. */
function digest(parts: ReadonlyArray<Float32Array | Float64Array | number>): string {
  const h = createHash('sha256');
  for (const p of parts) {
    if (typeof p === 'number') h.update(new Uint8Array(Float64Array.of(p).buffer));
    else h.update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
  }
  return h.digest('hex').slice(0, 16);
}

/** Deterministic inputs in [−1, 1) and classes, independent of the code under test. */
function data(rows: number, inputs: number, classes: number): { x: Float32Array; y: Int32Array } {
  let s = 12345;
  const next = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const x = Float32Array.from({ length: rows * inputs }, () => 2 * next() - 1);
  const y = Int32Array.from({ length: rows }, () => Math.floor(next() * classes));
  return { x, y };
}

/**
 * 12 SGD steps of one network (every activation, both costs) then a probe: the digest of every
 * weight and bias, every loss and every probe value (scalars as a sorted multiset of values, so a
 * renamed or reordered statistic does not change it; histograms' edges and counts in order).
 */
function runDigest(backend: Backend, widths: number[], activation: (typeof ACTIVATIONS)[number], cost: 'nll' | 'quadratic'): string {
  const mlp = new Mlp(backend, { widths, activation, init: { name: 'normalized' }, seed: 7 });
  const rows = 10;
  const { x, y } = data(rows * 3, widths[0]!, widths[widths.length - 1]!);
  const parts: Array<Float32Array | Float64Array | number> = [];
  try {
    for (let step = 0; step < 12; step++) {
      const at = (step % 3) * rows;
      const buf = mlp.inputBuffers(rows);
      buf.x.set(x.subarray(at * widths[0]!, (at + rows) * widths[0]!));
      buf.y.set(y.subarray(at, at + rows));
      mlp.trainStep(null, null, rows, 0.1, cost);
      parts.push(mlp.lastLoss);
    }
    for (const l of mlp.layers) parts.push(l.W, l.b);
    const probed = probeNetwork(mlp, x.subarray(0, 20 * widths[0]!), y.subarray(0, 20), 20, { bins: 16, theory: true });
    // the mean-field predictions (issue 13) are left out: float64 functions of the weights and
    // inputs digested above, added after these pins were recorded on several machines — leaving
    // them out keeps every machine's pins, and a change to any statistic the pins cover still fails
    const pinnedScalars = probed.scalars.filter((s) => !s.name.startsWith('meanfield.'));
    parts.push(Float64Array.from(pinnedScalars.map((s) => s.value)).sort());
    for (const h of probed.histograms) {
      const hist = (h as unknown as { histogram?: { edges: Float64Array; counts: Float64Array } }).histogram ??
        (h as unknown as { edges: Float64Array; counts: Float64Array });
      parts.push(hist.edges, hist.counts);
    }
    const e = mlp.evaluate(x, y, rows * 3, 7);
    parts.push(e.errorRate, e.nll);
  } finally {
    mlp.dispose();
  }
  return digest(parts);
}

/** The digests of one backend: every activation × cost on a small net, and a wide net (split kernels). */
function backendDigests(backend: Backend): Record<string, string> {
  const out: Record<string, string> = {};
  for (const activation of ACTIVATIONS) {
    for (const cost of ['nll', 'quadratic'] as const) out[`${activation}/${cost}`] = runDigest(backend, [16, 12, 12, 5], activation, cost);
  }
  // wide enough that the native addon splits the small-batch GEMMs (≥ 256 columns, m·n·k ≥ 2e6)
  // and the wasm backend splits GEMMs across threads (≥ 4 MFLOP); the reference backend has no
  // split, and its plain loops take seconds there (a unit test trains for less than one)
  if (backend.name !== 'reference') out['wide/tanh/nll'] = runDigest(backend, [256, 512, 512, 10], 'tanh', 'nll');
  return out;
}

/**
 * Digests by backend `detail` (see the file comment), recorded with the code before issue 10's
 * compute refactoring. The probe's statistics are digested as a whole, so a new statistic changes
 * them: re-record then, after checking that the commit before the change gives the same digests
 * (done when the record's vocabulary and the theory's statistics landed: main at 75144c7 gave exactly
 * these, and so did the refactored kernels on top of it).
 */
const PINNED: Record<string, Record<string, string>> = {
  "reference": {
    'sigmoid/nll': 'f34731b440d00e25',
    'sigmoid/quadratic': '45c2700e038afc3a',
    'tanh/nll': '37241d2906fd8705',
    'tanh/quadratic': '1235ff58338ab25b',
    'softsign/nll': '09d9e3cd023d8fdb',
    'softsign/quadratic': 'ada1c63e54dd66b1',
    'relu/nll': '988ff99bd5bfa2b7',
    'relu/quadratic': 'c8f76d6aa6c18537',
    'leaky_relu/nll': 'd3cd6549638b8d0e',
    'leaky_relu/quadratic': 'fc6aad3e51430c98',
    'elu/nll': '2d437e9534205b3a',
    'elu/quadratic': 'dad9420953b682c0',
    'selu/nll': '2f72ac4cc3963880',
    'selu/quadratic': '727033d9b3558996',
    'linear/nll': 'c9be1da6d50cc3bc',
    'linear/quadratic': '8d84421b358bbeb0',
  },
  "wasm \u00b7 1 \u00b7 AssemblyScript \u2192 WebAssembly relaxed SIMD (FMA via f32x4.relaxed_madd)": {
    'sigmoid/nll': '8e565cb7da3270b6',
    'sigmoid/quadratic': '7314581c111511f0',
    'tanh/nll': '5f6b17372d217b23',
    'tanh/quadratic': 'c0580504edc65e30',
    'softsign/nll': '16c4f3bf32c55f23',
    'softsign/quadratic': '603897d104005510',
    'relu/nll': 'fe0becd011bd747f',
    'relu/quadratic': '9811007bf1b8389e',
    'leaky_relu/nll': '408f4ea6a0b6e9a8',
    'leaky_relu/quadratic': '7d150e1f38901348',
    'elu/nll': 'aa76781c38942c9f',
    'elu/quadratic': '6038f9afdc457113',
    'selu/nll': '25d25b6d99cd5f9a',
    'selu/quadratic': 'cef9c00f3812623d',
    'linear/nll': 'd52656caa2f43a6c',
    'linear/quadratic': 'e1e8405cdefbe832',
    'wide/tanh/nll': '30e95dd8350ef51c',
  },
  "native \u00b7 1 \u00b7 OpenBLAS 0.3.21, core Haswell (NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY MAX_THREADS=64), elementwise x86-64-v4 (AVX-512)": {
    'sigmoid/nll': 'a1b989714d786879',
    'sigmoid/quadratic': '2df76666dcbd04a7',
    'tanh/nll': '53bc0cc4a3d4a033',
    'tanh/quadratic': '1a131ea0ddd39a90',
    'softsign/nll': 'c7196f60cedfc60e',
    'softsign/quadratic': '1c620676d9e0ec64',
    'relu/nll': 'b97a37a34d5b7687',
    'relu/quadratic': '2370a72c1359bcc0',
    'leaky_relu/nll': '335155c0eae75ae7',
    'leaky_relu/quadratic': '8525ac5f932a79cc',
    'elu/nll': '171150d939e51966',
    'elu/quadratic': 'a497ff65080221ed',
    'selu/nll': 'd2d01f16ab0f5542',
    'selu/quadratic': 'ec3c717472ec8f88',
    'linear/nll': '5e99e1e2a4e6a2f9',
    'linear/quadratic': '081b8e25cad9a52b',
    'wide/tanh/nll': 'c455f18850c618ad',
  },
  "wasm \u00b7 2 \u00b7 AssemblyScript \u2192 WebAssembly relaxed SIMD (FMA via f32x4.relaxed_madd), 1 worker thread": {
    'sigmoid/nll': '8e565cb7da3270b6',
    'sigmoid/quadratic': '7314581c111511f0',
    'tanh/nll': '5f6b17372d217b23',
    'tanh/quadratic': 'c0580504edc65e30',
    'softsign/nll': '16c4f3bf32c55f23',
    'softsign/quadratic': '603897d104005510',
    'relu/nll': 'fe0becd011bd747f',
    'relu/quadratic': '9811007bf1b8389e',
    'leaky_relu/nll': '408f4ea6a0b6e9a8',
    'leaky_relu/quadratic': '7d150e1f38901348',
    'elu/nll': 'aa76781c38942c9f',
    'elu/quadratic': '6038f9afdc457113',
    'selu/nll': '25d25b6d99cd5f9a',
    'selu/quadratic': 'cef9c00f3812623d',
    'linear/nll': 'd52656caa2f43a6c',
    'linear/quadratic': 'e1e8405cdefbe832',
    'wide/tanh/nll': '30e95dd8350ef51c',
  },
  "native \u00b7 2 \u00b7 OpenBLAS 0.3.21, core Haswell (NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY MAX_THREADS=64), elementwise x86-64-v4 (AVX-512)": {
    'sigmoid/nll': 'a1b989714d786879',
    'sigmoid/quadratic': '2df76666dcbd04a7',
    'tanh/nll': '53bc0cc4a3d4a033',
    'tanh/quadratic': '1a131ea0ddd39a90',
    'softsign/nll': 'c7196f60cedfc60e',
    'softsign/quadratic': '1c620676d9e0ec64',
    'relu/nll': 'b97a37a34d5b7687',
    'relu/quadratic': '2370a72c1359bcc0',
    'leaky_relu/nll': '335155c0eae75ae7',
    'leaky_relu/quadratic': '8525ac5f932a79cc',
    'elu/nll': '171150d939e51966',
    'elu/quadratic': 'a497ff65080221ed',
    'selu/nll': 'd2d01f16ab0f5542',
    'selu/quadratic': 'ec3c717472ec8f88',
    'linear/nll': '5e99e1e2a4e6a2f9',
    'linear/quadratic': '081b8e25cad9a52b',
    'wide/tanh/nll': 'e54eb875957eb162',
  },
};

test('the initialisation draws of every scheme are pinned bit for bit', () => {
  const parts: Float32Array[] = [];
  // the schemes pinned before torch_trunc_normal was added keep their digest; it has its own
  const draws = (names: readonly (typeof INIT_NAMES)[number][]): string => {
    parts.length = 0;
    for (const name of names) {
      for (const gain of [undefined, 1.7]) {
        const w = new Float32Array(7 * 5);
        initWeights(w, 7, 5, gain === undefined ? { name } : { name, gain }, new Rng(3));
        parts.push(w);
        const t = new Float32Array(4 * 9);
        initWeights(t, 4, 9, { name, gain: 0.5 }, new Rng(4));
        parts.push(t);
      }
    }
    return digest(parts);
  };
  const got = draws(INIT_NAMES.filter((n) => n !== 'torch_trunc_normal'));
  const torch = draws(['torch_trunc_normal']);
  if (PRINT) console.log(`PIN init ${got} torch_trunc_normal ${torch}`);
  assert.equal(got, '74699e085bed3b13');
  assert.equal(torch, 'dded138766b0da8c');
});

for (const threads of [1, 2]) {
  for (const { name, backend } of await availableBackends(threads)) {
    if (name === 'reference' && threads === 2) {
      backend.dispose();
      continue;
    }
    const key = `${name} · ${threads} · ${backend.detail}`;
    const pinned = name === 'reference' ? PINNED['reference'] : PINNED[key];
    const reason = pinned || PRINT ? false : `no digests recorded for "${key}" (another machine; see the file comment)`;
    test(`${name}, ${threads} thread(s): weights, losses and probe statistics are bit-identical to the pinned run`, { skip: reason }, () => {
      try {
        const got = backendDigests(backend);
        if (PRINT) console.log(`PIN ${JSON.stringify(name === 'reference' ? 'reference' : key)}: ${JSON.stringify(got)},`);
        assert.deepEqual(got, pinned);
      } finally {
        backend.dispose();
      }
    });
    if (reason) backend.dispose();
  }
}
