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
 * To record the digests of a new machine: `GLOROT_PIN_PRINT=1 node scripts/test.mjs test/nn/pinned`
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
    parts.push(Float64Array.from(probed.scalars.map((s) => s.value)).sort());
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
  // and the wasm backend splits GEMMs across threads (≥ 4 MFLOP)
  out['wide/tanh/nll'] = runDigest(backend, [256, 512, 512, 10], 'tanh', 'nll');
  return out;
}

/** Digests recorded before issue 10's refactoring, by backend `detail` (see the file comment). */
const PINNED: Record<string, Record<string, string>> = {
  "reference": {
    'sigmoid/nll': '8d3bbfa1d3546050',
    'sigmoid/quadratic': '102edf5693475bc1',
    'tanh/nll': 'c320f4e51624b94a',
    'tanh/quadratic': 'd5c0cceebd42030f',
    'softsign/nll': '74edc40e046962f2',
    'softsign/quadratic': 'adb7e911f3a11e8f',
    'relu/nll': 'db0f61cec81783da',
    'relu/quadratic': 'd703185f678b6523',
    'leaky_relu/nll': 'c858135043eac060',
    'leaky_relu/quadratic': '94e4958fa14f67b7',
    'elu/nll': '9f06fa6d2c97c6ba',
    'elu/quadratic': '60e6ec1302a02fb1',
    'selu/nll': '3d52f5da0518ef24',
    'selu/quadratic': 'd40ee3b48b4d7308',
    'linear/nll': 'eee4907d2f63bb82',
    'linear/quadratic': '738965b8c3f2671f',
    'wide/tanh/nll': 'e6e5783e2afdc94b',
  },
  "wasm \u00b7 1 \u00b7 AssemblyScript \u2192 WebAssembly relaxed SIMD (FMA via f32x4.relaxed_madd)": {
    'sigmoid/nll': 'd42469910ca8a7ff',
    'sigmoid/quadratic': 'cd000f9a03ed0274',
    'tanh/nll': '5957a822c6be7e98',
    'tanh/quadratic': 'e3406e3f5ac2eccc',
    'softsign/nll': '1bf3967b1e5fc704',
    'softsign/quadratic': '2a4a72dd29c538fa',
    'relu/nll': 'b463314b5437cde6',
    'relu/quadratic': '487c0c70caa4e184',
    'leaky_relu/nll': '130e053cf77d9697',
    'leaky_relu/quadratic': 'b2e4c385db8631aa',
    'elu/nll': 'ff52659d3c789bdf',
    'elu/quadratic': '614cbc99b10a4716',
    'selu/nll': '60c24ad5498f7065',
    'selu/quadratic': '42338f51b237f8d2',
    'linear/nll': '4086c01a684b52a9',
    'linear/quadratic': '3c7e5799ab4cac31',
    'wide/tanh/nll': '514212c0323a15f6',
  },
  "native \u00b7 1 \u00b7 OpenBLAS 0.3.21, core Haswell (NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY MAX_THREADS=64), elementwise x86-64-v4 (AVX-512)": {
    'sigmoid/nll': '58dd55d5c7b30592',
    'sigmoid/quadratic': '9eb7db644ef414bf',
    'tanh/nll': '274429835d9f7760',
    'tanh/quadratic': '4548b29da80e5c0c',
    'softsign/nll': '1ab343d00d786e45',
    'softsign/quadratic': '36c9d6de4099ab91',
    'relu/nll': '7b26285f064125c6',
    'relu/quadratic': 'f6971fabeba380fe',
    'leaky_relu/nll': 'ac6306afcc21601c',
    'leaky_relu/quadratic': 'e75ee0b8b8c36228',
    'elu/nll': 'da808de02039c1b1',
    'elu/quadratic': '91985ab56fe983a1',
    'selu/nll': '1360f45dc0cd3860',
    'selu/quadratic': 'f11a1e9d179e389b',
    'linear/nll': 'deb24523d2d1a83e',
    'linear/quadratic': '893a465150f06f03',
    'wide/tanh/nll': 'ae530806cc88f068',
  },
  "wasm \u00b7 2 \u00b7 AssemblyScript \u2192 WebAssembly relaxed SIMD (FMA via f32x4.relaxed_madd), 1 worker thread": {
    'sigmoid/nll': 'd42469910ca8a7ff',
    'sigmoid/quadratic': 'cd000f9a03ed0274',
    'tanh/nll': '5957a822c6be7e98',
    'tanh/quadratic': 'e3406e3f5ac2eccc',
    'softsign/nll': '1bf3967b1e5fc704',
    'softsign/quadratic': '2a4a72dd29c538fa',
    'relu/nll': 'b463314b5437cde6',
    'relu/quadratic': '487c0c70caa4e184',
    'leaky_relu/nll': '130e053cf77d9697',
    'leaky_relu/quadratic': 'b2e4c385db8631aa',
    'elu/nll': 'ff52659d3c789bdf',
    'elu/quadratic': '614cbc99b10a4716',
    'selu/nll': '60c24ad5498f7065',
    'selu/quadratic': '42338f51b237f8d2',
    'linear/nll': '4086c01a684b52a9',
    'linear/quadratic': '3c7e5799ab4cac31',
    'wide/tanh/nll': '514212c0323a15f6',
  },
  "native \u00b7 2 \u00b7 OpenBLAS 0.3.21, core Haswell (NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY MAX_THREADS=64), elementwise x86-64-v4 (AVX-512)": {
    'sigmoid/nll': '58dd55d5c7b30592',
    'sigmoid/quadratic': '9eb7db644ef414bf',
    'tanh/nll': '274429835d9f7760',
    'tanh/quadratic': '4548b29da80e5c0c',
    'softsign/nll': '1ab343d00d786e45',
    'softsign/quadratic': '36c9d6de4099ab91',
    'relu/nll': '7b26285f064125c6',
    'relu/quadratic': 'f6971fabeba380fe',
    'leaky_relu/nll': 'ac6306afcc21601c',
    'leaky_relu/quadratic': 'e75ee0b8b8c36228',
    'elu/nll': 'da808de02039c1b1',
    'elu/quadratic': '91985ab56fe983a1',
    'selu/nll': '1360f45dc0cd3860',
    'selu/quadratic': 'f11a1e9d179e389b',
    'linear/nll': 'deb24523d2d1a83e',
    'linear/quadratic': '893a465150f06f03',
    'wide/tanh/nll': '61e47f6c81d01e54',
  },
};

test('the initialisation draws of every scheme are pinned bit for bit', () => {
  const parts: Float32Array[] = [];
  for (const name of INIT_NAMES) {
    for (const gain of [undefined, 1.7]) {
      const w = new Float32Array(7 * 5);
      initWeights(w, 7, 5, gain === undefined ? { name } : { name, gain }, new Rng(3));
      parts.push(w);
      const t = new Float32Array(4 * 9);
      initWeights(t, 4, 9, { name, gain: 0.5 }, new Rng(4));
      parts.push(t);
    }
  }
  const got = digest(parts);
  if (PRINT) console.log(`PIN init ${got}`);
  assert.equal(got, '74699e085bed3b13');
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
