/**
 * The one reader of JSON a user writes (src/core/json.ts; issue 15, item 8): a byte-order mark is
 * accepted by --config and by experiment files alike; nesting deep enough to overflow the stack
 * later is refused up front; every malformed file is an InvalidInputError naming the file, what was
 * expected and what was found (with the line and column where JSON gives a position).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readExperiment } from '../../../src/config/experiment.ts';
import { foundText, InvalidInputError } from '../../../src/core/errors.ts';
import { MAX_JSON_DEPTH, readJsonFile } from '../../../src/core/json.ts';
import { tempDir } from '../../helpers/data.ts';

const EXPERIMENT = '{"name":"e1","variants":[{"label":"Tanh N","activation":"tanh","init":"normalized"}],"learningRates":[0.01]}';
const nested = (depth: number): string => `{"name":"e1","base":${'['.repeat(depth)}${']'.repeat(depth)}}`;

/** Malformed files (text, or bytes), and what the message must say they are. */
const MALFORMED: ReadonlyArray<readonly [string, string | Uint8Array, RegExp]> = [
  ['empty', '', /found an empty file$/],
  ['only spaces', '  \n\t', /found an empty file$/],
  ['a lone brace', '{', /found invalid JSON/],
  ['a missing value', '{"a":}', /found invalid JSON \(Unexpected token '\}'/],
  ['a trailing comma', '{"a":1,}', /found invalid JSON/],
  ['single quotes', "{'a':1}", /found invalid JSON/],
  ['a comment', '// c\n{}', /found invalid JSON/],
  ['NaN', '{"a":NaN}', /found invalid JSON/],
  ['trailing text', '{} x', /found invalid JSON/],
  ['an unterminated string', '{"a":"b', /found invalid JSON/],
  ['a position past line 1', '{\n  "a": 1,\n  "b" 2\n}', /found invalid JSON at line 3, column 7/],
  [`nesting ${MAX_JSON_DEPTH + 1} deep`, nested(MAX_JSON_DEPTH), /found arrays or objects nested more than 64 levels deep \(at line 1, column 84\)$/],
  ['nesting 100,000 deep', nested(100_000), /nested more than 64 levels deep/],
  ['nesting 100,000 deep in a string is fine, but the file is cut', `{"a":"${'['.repeat(100_000)}`, /found invalid JSON/],
  ['bytes that are not UTF-8', Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), /expected UTF-8 text \(.*\), found bytes that are not UTF-8 \(from byte 6\)$/],
  ['UTF-16 with its BOM', Buffer.from(`\uFEFF${EXPERIMENT}`, 'utf16le'), /found bytes that are not UTF-8|found invalid JSON/],
  ['a NUL byte', Uint8Array.from([0x7b, 0x00, 0x7d]), /found invalid JSON/],
];

test(`malformed JSON files: the message names the file and says what is wrong, for --config and experiments alike (${MALFORMED.length} files × 2 readers)`, () => {
  const dir = tempDir('json');
  MALFORMED.forEach(([what, content, words], i) => {
    const file = join(dir, `${i}.json`);
    writeFileSync(file, content);
    for (const read of [() => readJsonFile(file, 'a training configuration'), () => readExperiment(file)]) {
      assert.throws(
        read,
        (e: unknown) => e instanceof InvalidInputError && e.file === file && e.message.startsWith(`${file}: expected `) && words.test(e.message) && !e.message.includes('\n    at '),
        `${what}: ${(() => { try { read(); return 'no error'; } catch (e) { return String(e); } })()}`,
      );
    }
  });
});

test('a UTF-8 byte-order mark is accepted by both readers; deep values never overflow the message', () => {
  const dir = tempDir('json-bom');
  const file = join(dir, 'e.json');
  writeFileSync(file, `\uFEFF${EXPERIMENT}`);
  assert.equal(readExperiment(file).name, 'e1');
  assert.deepEqual(readJsonFile(file, 'a training configuration'), JSON.parse(EXPERIMENT));
  // within the limit, nesting reaches the schema, which names it (and foundText never recurses)
  writeFileSync(file, nested(MAX_JSON_DEPTH - 1).replace('"name":"e1"', '"name":"e1","variants":[],"learningRates":[1]'));
  assert.throws(() => readExperiment(file), /base: expected/);
  let deep: unknown = [];
  for (let i = 0; i < 200_000; i++) deep = [deep];
  assert.match(foundText(deep), /^(\[+…|an array of 1)$/);
});
