/**
 * One escaping home per destination (issue 15, item 7), enforced over src/: everything glorot prints
 * goes through src/cli/terminal.ts (which escapes for the terminal), and HTML entities are written
 * only by src/core/escape.ts. A new `console.log` or a hand-made `&lt;` elsewhere fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineOf, readSources } from './sources.ts';

const SOURCES = readSources(['src']);

/** Every match of `pattern` in src/ outside `allowed`, as `file:line: text`. */
function offenders(pattern: RegExp, allowed: readonly string[]): string[] {
  const out: string[] = [];
  for (const [file, text] of SOURCES) {
    if (allowed.includes(file)) continue;
    // comments are not code: a TSDoc may mention console.log
    const code = text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/\/\/[^\n]*/g, (c) => ' '.repeat(c.length));
    for (const m of code.matchAll(pattern)) out.push(`${file}:${lineOf(code, m.index!)}: ${m[0]}`);
  }
  return out;
}

test('only src/cli/terminal.ts writes to the console (everything printed is escaped for the terminal)', () => {
  assert.deepEqual(offenders(/\bconsole\.(log|error|warn|info|debug)\b|process\.(stdout|stderr)\.write\b/g, ['src/cli/terminal.ts']), []);
  // the planted case is found (the check cannot pass vacuously)
  assert.equal(SOURCES.get('src/cli/terminal.ts')!.match(/process\.(stdout|stderr)\.write/g)?.length, 4);
});

test('only src/core/escape.ts writes HTML entities or Markdown escapes by hand', () => {
  assert.deepEqual(offenders(/&(lt|gt|amp|quot|#39);/g, ['src/core/escape.ts']), []);
});
