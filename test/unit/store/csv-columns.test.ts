/**
 * The CSV export's columns can each be selected as `df.<column>` in pandas (issue 15, item 14):
 * none is an attribute of a DataFrame or a Series (`df.count == 3` compares a method and silently
 * selects nothing; `row.name` of a row is its index label, not the column), and every file has a
 * `run` column, so the exports of several runs concatenate into one table.
 * The attribute list is pandas' own, committed (fixtures/pandas-attributes.txt); regenerate it with
 *   python3 -c "import pandas as pd; print('\n'.join(sorted({n for n in dir(pd.DataFrame) + dir(pd.Series) if not n.startswith('_')})))"
 * (test/e2e/store/python-example.test.ts checks the real files with the installed pandas too).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CSV_COLUMNS } from '../../../src/store/export.ts';

const PANDAS_ATTRIBUTES = new Set(
  readFileSync(new URL('./fixtures/pandas-attributes.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#')),
);

test('the attribute list is pandas\' (it holds the names that bit users: count, name, update, values)', () => {
  for (const n of ['count', 'name', 'update', 'values', 'size', 'index', 'mean', 'std']) assert.ok(PANDAS_ATTRIBUTES.has(n), n);
  assert.ok(PANDAS_ATTRIBUTES.size > 200);
});

test('no CSV column is a pandas DataFrame or Series attribute, and every file starts with a run column', () => {
  for (const [file, columns] of Object.entries(CSV_COLUMNS)) {
    const shadowing = columns.filter((c) => PANDAS_ATTRIBUTES.has(c));
    assert.deepEqual(shadowing, [], `${file}.csv: columns that shadow pandas attributes`);
    assert.equal(columns[0], 'run', `${file}.csv: the first column`);
    for (const c of columns) assert.match(c, /^[a-z][a-z0-9_]*$/, `${file}.csv: ${c} is a Python identifier`);
  }
});
