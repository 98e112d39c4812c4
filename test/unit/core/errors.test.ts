import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foundText, InvalidInputError } from '../../../src/core/errors.ts';
import { DataFileError } from '../../../src/data/errors.ts';

test('InvalidInputError: field path, expected, found; file and subject in front; a title lists the issues one per line', () => {
  const one = new InvalidInputError({ field: 'hidden[2]', expected: 'a whole number ≥ 1', found: '0' });
  assert.equal(one.message, 'hidden[2]: expected a whole number ≥ 1, found 0');
  assert.deepEqual([one.name, one.field, one.expected, one.found, one.file], ['InvalidInputError', 'hidden[2]', 'a whole number ≥ 1', '0', undefined]);
  const where = new InvalidInputError({ field: 'testSize', expected: 'nothing', found: '5' }, { file: 'x.json', subject: 'mnist' });
  assert.equal(where.message, 'x.json: mnist: testSize: expected nothing, found 5');
  const list = new InvalidInputError(
    [
      { field: 'learningRate', expected: 'a finite number > 0', found: '0' },
      { field: 'probe.bins', expected: 'a whole number from 1 to 10,000', found: '0' },
    ],
    { subject: 'run r', title: 'invalid stored training configuration', hint: 'repair runs.config' },
  );
  assert.equal(
    list.message,
    'run r: invalid stored training configuration (repair runs.config):\n  - learningRate: expected a finite number > 0, found 0\n  - probe.bins: expected a whole number from 1 to 10,000, found 0',
  );
  // describe renames every field (the CLI passes its flag table), and leaves the rest as it is
  assert.equal(
    list.describe((f) => (f === 'learningRate' ? '--lr' : f)),
    'run r: invalid stored training configuration (repair runs.config):\n  - --lr: expected a finite number > 0, found 0\n  - probe.bins: expected a whole number from 1 to 10,000, found 0',
  );
  assert.equal(new InvalidInputError({ field: '', expected: 'an object', found: '3' }, { file: 'c.json' }).message, 'c.json: expected an object, found 3');
  assert.throws(() => new InvalidInputError([]), { name: 'RangeError', message: 'InvalidInputError: expected at least one issue, found none' });
});

test('DataFileError is an InvalidInputError about a file, with the message it always had', () => {
  const e = new DataFileError('/d/train.idx', 'magic', '2051', '7');
  assert.ok(e instanceof InvalidInputError);
  assert.deepEqual([e.name, e.file, e.field, e.message], ['DataFileError', '/d/train.idx', 'magic', '/d/train.idx: magic: expected 2051, found 7']);
});

test('foundText: JSON for data, words for what JSON cannot say', () => {
  assert.deepEqual(
    [undefined, null, 0, -0.5, NaN, Infinity, 'gelu', [1, 2], { a: 1 }, true].map(foundText),
    ['nothing', 'null', '0', '-0.5', 'NaN', 'Infinity', '"gelu"', '[1,2]', '{"a":1}', 'true'],
  );
  assert.equal(foundText('x'.repeat(100)), `"${'x'.repeat(58)}…`);
});
