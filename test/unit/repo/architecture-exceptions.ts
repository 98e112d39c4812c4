/**
 * The one list of known breaks of docs/ARCHITECTURE.md's rules, each with why it is allowed for now
 * and who removes it. Issue 10's scopes (compute, boundary; record has landed) are fixing these while
 * this list is written; the lead deletes each entry as its scope lands — architecture.test.ts fails on
 * an entry that no longer excuses anything, so the list can only shrink. Add an entry only with a
 * reason a reviewer accepts; "generated" is not a reason (mark the file `@generated` instead).
 */
import type { ArchitectureException } from './architecture.ts';

const scope = (name: string): string => `issue 10 scope "${name}" (branch arch-${name})`;
const COMPUTE = `${scope('compute')} is removing it`;
const BOUNDARY = `${scope('boundary')} is removing it`;
/** Long lines in files another scope is rewriting: wrapping them now would only make merge conflicts. */
const wrapAfter = (name: string): string => `long lines in a file ${scope(name)} is rewriting; wrap what is left once it lands`;

export const ARCHITECTURE_EXCEPTIONS: readonly ArchitectureException[] = [
  // --- the seeded rng in a folder of its own, imported from everywhere ---
  { rule: 'layer', file: 'src/random/', reason: `the rng moves to src/core/rng.ts: ${COMPUTE}` },
  { rule: 'import', file: 'src/', to: 'src/random/', reason: `the rng moves to src/core/rng.ts, which every layer may import: ${COMPUTE}` },

  // --- the activation table still lives in kernels/ ---
  {
    rule: 'import',
    file: 'src/theory/',
    to: 'src/kernels/',
    reason: `issue 13's theory reads the activation table and f, f′ from kernels/; they move to src/core/activations.ts: ${COMPUTE}`,
  },

  // --- the training configuration still lives in run/ ---
  {
    rule: 'import',
    file: 'src/report/figures/common.ts',
    to: 'src/run/config.ts',
    reason: `run/config.ts moves to src/config/, which the report may import: ${BOUNDARY}`,
  },

  // --- files over 400 lines ---
  { rule: 'lines', file: 'src/run/train.ts', reason: `531 lines (trainIn mixes resume, locks, status, timing): ${BOUNDARY}` },
  { rule: 'lines', file: 'src/cli/reproduce.ts', reason: `441 lines; split along its concerns: ${BOUNDARY}` },
  { rule: 'lines', file: 'src/nn/mlp.ts', reason: `487 lines; the no-allocation caches go private to the hot path: ${COMPUTE}` },
  { rule: 'lines', file: 'native/glorot.c', reason: `1,089 lines; split into addon glue, GEMM/threads, elementwise, costs: ${COMPUTE}` },

  // --- lines over 160 characters ---
  { rule: 'width', file: 'src/run/train.ts', reason: wrapAfter('boundary') },
  { rule: 'width', file: 'src/run/config.ts', reason: wrapAfter('boundary') },
  { rule: 'width', file: 'src/run/scales.ts', reason: wrapAfter('boundary') },
  { rule: 'width', file: 'src/cli/reproduce.ts', reason: wrapAfter('boundary') },
  { rule: 'width', file: 'src/cli/train.ts', reason: wrapAfter('boundary') },
  { rule: 'width', file: 'src/cli/data.ts', reason: wrapAfter('boundary') },
  { rule: 'width', file: 'src/kernels/reference.ts', reason: wrapAfter('compute') },
  { rule: 'width', file: 'src/kernels/wasm/core.ts', reason: wrapAfter('compute') },
  { rule: 'width', file: 'src/kernels/native/index.ts', reason: wrapAfter('compute') },
];
