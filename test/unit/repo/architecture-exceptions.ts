/**
 * The one list of known breaks of docs/ARCHITECTURE.md's rules, each with why it is allowed for now
 * and who removes it. Issue 10's scopes (boundary; record and compute have landed) are fixing these while
 * this list is written; the lead deletes each entry as its scope lands — architecture.test.ts fails on
 * an entry that no longer excuses anything, so the list can only shrink. Add an entry only with a
 * reason a reviewer accepts; "generated" is not a reason (mark the file `@generated` instead).
 */
import type { ArchitectureException } from './architecture.ts';

const scope = (name: string): string => `issue 10 scope "${name}" (branch arch-${name})`;
const BOUNDARY = `${scope('boundary')} is removing it`;
/** Long lines in files another scope is rewriting: wrapping them now would only make merge conflicts. */
const wrapAfter = (name: string): string => `long lines in a file ${scope(name)} is rewriting; wrap what is left once it lands`;

export const ARCHITECTURE_EXCEPTIONS: readonly ArchitectureException[] = [
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

  // --- lines over 160 characters ---
  { rule: 'width', file: 'src/run/train.ts', reason: wrapAfter('boundary') },
  { rule: 'width', file: 'src/run/config.ts', reason: wrapAfter('boundary') },
  { rule: 'width', file: 'src/run/scales.ts', reason: wrapAfter('boundary') },
  { rule: 'width', file: 'src/cli/reproduce.ts', reason: wrapAfter('boundary') },
  { rule: 'width', file: 'src/cli/train.ts', reason: wrapAfter('boundary') },
  { rule: 'width', file: 'src/cli/data.ts', reason: wrapAfter('boundary') },
];
