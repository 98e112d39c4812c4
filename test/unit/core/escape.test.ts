/**
 * Escaping for each destination (src/core/escape.ts; issue 15, item 7), on one table of hostile
 * names: terminal control sequences (window title, colours, cursor, C1, bidi), raw HTML, and every
 * kind of Markdown markup. The Markdown escaping is checked by rendering with a CommonMark parser
 * (markdown-it, raw HTML allowed as GitHub allows it): what renders must be the name itself, as text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { htmlText, markdownHref, markdownText, svgText, terminalText } from '../../../src/core/escape.ts';
import { inkBox } from '../../../src/core/raster.ts';
import { HOSTILE_NAMES } from '../../helpers/hostile.ts';

const mdParser = new MarkdownIt({ html: true, linkify: false, typographer: false });

/** markdown-it's text escaping in its HTML output (& < > ", not '). */
function renderedText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** What a name must render as in Markdown: itself, controls shown as escapes, on one line. */
function visibleLine(s: string): string {
  return terminalText(s.replace(/[\r\n\t]+/g, ' ')).trim();
}

const UNSAFE_FOR_TERMINALS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

test(`terminalText: no raw control character reaches the terminal (${HOSTILE_NAMES.length} names), newlines and tabs stay, JSON stays JSON`, () => {
  for (const name of HOSTILE_NAMES) {
    const shown = terminalText(name);
    assert.ok(!UNSAFE_FOR_TERMINALS.test(shown), `${JSON.stringify(name)} → ${JSON.stringify(shown)}`);
    assert.equal(shown.split('\n').length, name.split('\n').length, 'newlines stay');
    // JSON output (data info --json, show --json) escaped for the terminal is the same JSON
    assert.equal(JSON.parse(terminalText(JSON.stringify({ name }))).name, name);
  }
  assert.equal(terminalText('\u001b]0;x\u0007'), '\\u001b]0;x\\u0007');
  assert.equal(terminalText('\u009b31m'), '\\u009b31m');
  assert.equal(terminalText('a\tb\nc'), 'a\tb\nc');
});

test(`markdownText: every name renders as itself, as text — in a paragraph, a list item and a table cell (${HOSTILE_NAMES.length} names)`, () => {
  for (const name of HOSTILE_NAMES) {
    const text = renderedText(visibleLine(name));
    const escaped = markdownText(name);
    assert.ok(!escaped.includes('\n') && !UNSAFE_FOR_TERMINALS.test(escaped), JSON.stringify(escaped));
    assert.equal(mdParser.render(escaped), text === '' ? '' : `<p>${text}</p>\n`, `paragraph: ${JSON.stringify(name)}`);
    assert.equal(mdParser.render(`- ${escaped}`), `<ul>\n<li>${text}</li>\n</ul>\n`, `list item: ${JSON.stringify(name)}`);
    const table = mdParser.render(`| a | b |\n|---|---|\n| ${escaped} | x |\n`);
    assert.ok(table.includes(`<td>${text}</td>\n<td>x</td>`), `table cell: ${JSON.stringify(name)}\n${table}`);
    assert.equal(mdParser.render(`**${escaped}**`), text === '' ? '<p>****</p>\n' : `<p><strong>${text}</strong></p>\n`, `bold: ${JSON.stringify(name)}`);
  }
});

test('markdownHref: a path glorot made stays one link destination', () => {
  assert.equal(markdownHref('figures/fig3.png'), 'figures/fig3.png');
  assert.equal(mdParser.renderInline(`[x](${markdownHref('a b/(c)<d>.png')})`), '<a href="a%20b/%28c%29%3Cd%3E.png">x</a>');
});

test(`htmlText: no name opens a tag, an entity or leaves an attribute (${HOSTILE_NAMES.length} names)`, () => {
  for (const name of HOSTILE_NAMES) {
    const escaped = htmlText(name);
    assert.ok(!/[<>"']/.test(escaped), escaped);
    assert.ok(!/&(?!(amp|lt|gt|quot|#39);)/.test(escaped), escaped);
    const decoded = escaped.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    assert.equal(decoded, name);
  }
});

test(`svgText: every name is one line of XML text that resvg parses, controls and unpaired surrogates shown as escapes (${HOSTILE_NAMES.length + 3} names)`, () => {
  const names = [...HOSTILE_NAMES, 'lone \ud800 high', 'lone \udc00 low', 'non-character \uffff'];
  for (const name of names) {
    const t = svgText(name);
    // nothing XML refuses, no markup, one line
    assert.doesNotMatch(t, /[\u0000-\u001f\ufffe\uffff<>"']|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u, JSON.stringify(name));
    assert.doesNotMatch(t, /&(?!(amp|lt|gt|quot|#39);)/, JSON.stringify(name));
    const decoded = t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    const shown = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    const unsafe = /[\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
    assert.equal(decoded, terminalText(name.replace(/[\r\n\t]+/g, ' ')).replace(unsafe, shown), JSON.stringify(name));
    // resvg parses it as text (an unescaped name would end the element or the document)
    assert.ok(inkBox(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text x="0" y="9">${t}x</text></svg>`) !== null, JSON.stringify(name));
  }
});
