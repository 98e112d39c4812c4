/**
 * The CLI names a bad value by the flag the user typed (one field → flag table, src/cli/flags.ts):
 * the layers below name fields only. The naming rules on a commander program (the real command line:
 * test/e2e/cli/flags.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { InvalidInputError } from '../../../src/core/errors.ts';
import { RunStoreError } from '../../../src/store/errors.ts';
import { errorText, FIELD_FLAGS, fieldName, noteConfigFile, numberArg, numberListArg, trackCommands, wholeNumberArg } from '../../../src/cli/flags.ts';
import { TRAIN_DEFAULTS } from '../../../src/config/training.ts';

/** Runs a `train`-like command with `args` and returns what `name` gives for each field, as seen inside its action. */
function namesFor(args: string[], fields: string[], configFile?: { file: string; fields: string[] }): string[] {
  const program = new Command().exitOverride();
  trackCommands(program);
  let names: string[] = [];
  program
    .command('train')
    .option('--lr <rate>')
    .option('--widths <list>')
    .option('--width <n>')
    .option('--depth <n>')
    .option('--data-dir <dir>')
    .option('--config <file>')
    .action(() => {
      if (configFile) noteConfigFile(configFile.file, configFile.fields);
      names = fields.map(fieldName);
    });
  program.parse(['train', ...args], { from: 'user' });
  return names;
}

test('a field is named by the flag the user gave, by the file that set it, or by the flag that would set it', () => {
  assert.deepEqual(namesFor(['--lr', '0'], ['learningRate']), ['--lr']);
  // a list element keeps its path after the flag; of the flags that set `hidden`, the one given names it
  assert.deepEqual(namesFor(['--widths', '1,0'], ['hidden[1]', 'hidden']), ['--widths (hidden[1])', '--widths']);
  assert.deepEqual(namesFor(['--width', '0'], ['hidden[0]']), ['--width (hidden[0])']);
  // a value from the --config file is named there, unless a flag overrode it
  const file = { file: 'x.json', fields: ['learningRate', 'probe.bins', 'hidden'] };
  assert.deepEqual(namesFor(['--config', 'x.json'], ['learningRate', 'probe.bins', 'hidden[2]'], file), ['learningRate in x.json', 'probe.bins in x.json', 'hidden[2] in x.json']);
  assert.deepEqual(namesFor(['--config', 'x.json', '--lr', '0'], ['learningRate'], file), ['--lr']);
  // nothing set it (a value the user must supply): the flag that would
  assert.deepEqual(namesFor([], ['dataDir']), ['--data-dir']);
  // no flag of this command sets it: its path
  assert.deepEqual(namesFor([], ['minibatch', 'probe.bins', 'variants[0].label']), ['minibatch', 'probe.bins', 'variants[0].label']);
});

test('errorText names flags for values from the command line, keeps field paths for values from a file', () => {
  const program = new Command().exitOverride();
  trackCommands(program);
  let texts: string[] = [];
  program
    .command('train')
    .option('--lr <rate>')
    .option('--out <dir>')
    .action(() => {
      const issue = { field: 'learningRate', expected: 'a finite number > 0', found: '0' };
      texts = [
        errorText(new InvalidInputError(issue, { title: 'invalid training configuration' })),
        errorText(new InvalidInputError(issue, { file: 'exp.json', title: 'invalid experiment' })),
        // the run record names a directory by its role and the option that chose it; the CLI adds the flag
        errorText(new RunStoreError('UNWRITABLE', 'cannot create the output directory /p: mkdir /p failed', 'outDir')),
        errorText(new RunStoreError('UNKNOWN_RUN', 'no run "x" in o/glorot.sqlite')),
        errorText(new Error('plain')),
        errorText('thrown text'),
      ];
    });
  program.parse(['train', '--lr', '0'], { from: 'user' });
  assert.deepEqual(texts, [
    'invalid training configuration:\n  - --lr: expected a finite number > 0, found 0',
    'exp.json: invalid experiment:\n  - learningRate: expected a finite number > 0, found 0',
    '--out: cannot create the output directory /p: mkdir /p failed',
    'no run "x" in o/glorot.sqlite',
    'plain',
    'thrown text',
  ]);
});

test('every flag of the table is a flag of glorot train or glorot data, and every training field with a flag is in the table', () => {
  for (const flags of Object.values(FIELD_FLAGS)) for (const f of flags) assert.match(f, /^--[a-z][a-z-]*$/);
  const trainFields = ['dataset', 'dataDir', 'validationSize', 'testSize', 'hidden', 'activation', 'init', 'gain', 'cost', 'learningRate', 'minibatch', 'updates', 'seed', 'checkpointInterval'];
  for (const field of trainFields) assert.ok(Object.hasOwn(FIELD_FLAGS, field), field);
  for (const field of Object.keys(TRAIN_DEFAULTS)) if (field !== 'probe') assert.ok(trainFields.includes(field), `${field}: a training field without a flag`);
});

test('flag text: numbers are converted (their domain is the schema\'s), text that is no number is refused with the text', () => {
  assert.equal(numberArg('0'), 0, 'a number the schema will refuse still converts');
  assert.equal(numberArg('1e-3'), 0.001);
  assert.equal(numberArg('-2'), -2);
  for (const bad of ['', ' ', 'abc', '1,5']) assert.throws(() => numberArg(bad), { code: 'commander.invalidArgument', message: `expected a number, found "${bad}"` });
  assert.deepEqual(numberListArg('1000, 0,500'), [1000, 0, 500]);
  for (const bad of ['1000,,5', 'a,b', '']) assert.throws(() => numberListArg(bad), { message: `expected comma-separated numbers such as 1000,1000,500, found "${bad}"` });
  // the command line's own flags (--until, --jobs, --seeds, --depth) are checked where they are parsed
  assert.equal(wholeNumberArg(1)('3'), 3);
  assert.equal(wholeNumberArg(0, 65535)(' 8080 '), 8080, 'spaces around the digits are fine');
  for (const bad of ['0', '1.5', 'x', '']) assert.throws(() => wholeNumberArg(1)(bad), { message: `expected a whole number ≥ 1 in decimal digits, found "${bad}"` });
  assert.throws(() => wholeNumberArg(1, 64)('65'), { message: 'expected a whole number from 1 to 64 in decimal digits, found "65"' });
  // what Number() takes but a person typing a port, a job count or an update does not mean (--port 0x50 bound port 80)
  for (const bad of ['0x50', '0X50', '0b1010000', '0o120', '8e1', '80.0', '+80', '-0', '８０', '80_0']) {
    assert.throws(() => wholeNumberArg(0, 65535)(bad), { message: `expected a whole number from 0 to 65535 in decimal digits, found "${bad}"` }, bad);
  }
});
