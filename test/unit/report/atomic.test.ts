/**
 * Report files are written atomically (issue 15 item 2): every file of src/report is written through
 * src/store's one atomic writer (temporary file, fsync, rename), so a reader — a browser on
 * index.html, a script on summary.json — or a killed job sees the old report or the new one, never a
 * torn file. This pins the kind: no other way to write a file appears in the report's sources.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

test('src/report writes files only with writeFileAtomic', () => {
  const files = sources('src/report');
  assert.ok(files.length > 10);
  const direct = /\b(writeFileSync|writeFile|appendFileSync|appendFile|createWriteStream|openSync|copyFileSync)\s*\(/;
  const offenders = files.filter((f) => direct.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders, []);
  const atomic = files.filter((f) => /\bwriteFileAtomic\(/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(atomic.sort(), ['src/report/index.ts', 'src/report/render.ts']);
});
