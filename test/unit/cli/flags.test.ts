import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withFlagNames } from '../../../src/cli/flags.ts';

test('dataset option names become the flags the user typed, except where a message names the config field', () => {
  assert.equal(withFlagNames('fashion-mnist: option testSize does not apply'), 'fashion-mnist: option --test-size does not apply');
  assert.equal(withFlagNames('shapeset validationSize: expected an integer'), 'shapeset --validation-size: expected an integer');
  assert.equal(withFlagNames('--test-size (config field testSize): the test split is empty'), '--test-size (config field testSize): the test split is empty');
  assert.equal(withFlagNames('option bins does not apply'), 'option bins does not apply', 'other words are left alone');
});
