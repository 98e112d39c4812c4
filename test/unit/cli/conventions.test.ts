/**
 * Command-line conventions (issue 15, item 10) as pure functions: one place decides the exit status
 * (src/cli/exit.ts: 2 for a command line that cannot be run, 1 for a command that failed), and the
 * progress display's rate and time left (src/cli/trainProgress.ts, src/cli/jobProgress.ts). The real
 * command line: test/e2e/cli/conventions.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { InvalidInputError } from '../../../src/core/errors.ts';
import { asUsage, EXIT_DIVERGED, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_USAGE, exitStatus, UsageError } from '../../../src/cli/exit.ts';
import { errorText } from '../../../src/cli/flags.ts';
import { rateText } from '../../../src/cli/jobProgress.ts';
import { trainEta, trainLine } from '../../../src/cli/trainProgress.ts';

/** What commander throws for `args` on a small program with exitOverride. */
function commanderError(args: string[]): unknown {
  const program = new Command().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} }).version('1.2.3');
  program.command('show').argument('<run>').option('--n <n>', 'n', (v: string) => {
    if (Number.isNaN(Number(v))) throw new InvalidArgumentError('no number');
    return Number(v);
  }).action(() => {});
  try {
    program.parse(args, { from: 'user' });
  } catch (e) {
    return e;
  }
  return null;
}

test('exit statuses: distinct, and every commander usage error is 2 while --help and --version are 0', () => {
  assert.equal(new Set([0, EXIT_ERROR, EXIT_USAGE, EXIT_DIVERGED, EXIT_INTERRUPTED]).size, 5);
  assert.equal(EXIT_USAGE, 2);
  assert.equal(EXIT_ERROR, 1);
  for (const args of [['nope'], ['show'], ['show', 'r', '--bogus'], ['show', 'r', '--n', 'x'], ['show', 'r', 'extra', 'more'], ['--n']]) {
    const e = commanderError(args);
    assert.ok(e instanceof CommanderError, `${args.join(' ')}: ${String(e)}`);
    assert.equal(exitStatus(e), EXIT_USAGE, `${args.join(' ')}: ${(e as CommanderError).code}`);
  }
  for (const args of [['--version'], ['--help'], ['show', '--help']]) assert.equal(exitStatus(commanderError(args)), 0, args.join(' '));
});

test('exit statuses: a UsageError is 2, any other error 1; asUsage keeps the cause, whose fields the CLI names', () => {
  assert.equal(exitStatus(new UsageError('--widths cannot be combined with --depth')), EXIT_USAGE);
  for (const e of [new Error('x'), new InvalidInputError({ field: 'dataDir', expected: 'a directory', found: 'nothing' }, { file: 'f' }), 'text', null]) {
    assert.equal(exitStatus(e), EXIT_ERROR);
  }
  const cause = new InvalidInputError({ field: 'learningRate', expected: 'a finite number > 0', found: '0' });
  let caught: unknown;
  try {
    asUsage(() => {
      throw cause;
    });
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof UsageError);
  assert.equal(exitStatus(caught), EXIT_USAGE);
  assert.equal((caught as UsageError).cause, cause);
  assert.equal(errorText(caught), errorText(cause));
  assert.equal(asUsage(() => 7), 7);
});

test('train progress: the time left at the current rate, and a rate shown with two significant digits below 10', () => {
  assert.equal(trainEta({ update: 1000, updates: 61_000, updatesPerSecond: 100 }), '10 min 00 s');
  assert.equal(trainEta({ update: 0, updates: 500, updatesPerSecond: 0 }), '…');
  assert.equal(trainEta({ update: 500, updates: 500, updatesPerSecond: 0 }), '0 s');
  assert.deepEqual([1234.4, 56.2, 7.81, 0.423, 0, NaN].map(rateText), ['1234', '56', '7.8', '0.42', '0', '0']);
  assert.equal(
    trainLine({ run: 'r', update: 100, updates: 400, loss: 0.5, testError: 12.5, updatesPerSecond: 0.5 }),
    'r: update 100/400 · 0.50 upd/s · ETA 10 min 00 s · loss 0.5000 · test err 12.50%',
  );
});
