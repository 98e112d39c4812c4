/**
 * Every user-controlled string is text, never HTML (issue 11): the web app builds its DOM with
 * web/src/dom.ts's h(), and no file of web/ parses a string as HTML — no innerHTML, outerHTML,
 * insertAdjacentHTML, document.write or createContextualFragment. (The browser test
 * test/e2e/web/xss.test.ts shows one such string as text; this scan covers the whole kind.)
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const WEB = join(import.meta.dirname, '..', '..', '..', 'web');
const HTML_SINKS = /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|createContextualFragment)\b/;

/** Lines of web/'s .ts and .html files that name an HTML-parsing API. */
function offenders(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...offenders(p));
    else if (/\.(ts|html)$/.test(name)) {
      readFileSync(p, 'utf8').split('\n').forEach((line, i) => {
        if (HTML_SINKS.test(line)) out.push(`${p}:${i + 1}`);
      });
    }
  }
  return out;
}

test('web/ never parses strings as HTML', () => {
  assert.ok(readdirSync(join(WEB, 'src')).length > 5, 'the scan reads the app');
  assert.deepEqual(offenders(WEB), []);
});

test('the scan finds each HTML sink', () => {
  for (const line of ['el.innerHTML = s', 'x.outerHTML=y', 'a.insertAdjacentHTML("beforeend", t)', 'document.write(t)', 'r.createContextualFragment(t)']) {
    assert.ok(HTML_SINKS.test(line), line);
  }
  assert.ok(!HTML_SINKS.test('el.textContent = s'));
});
