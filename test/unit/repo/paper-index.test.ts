/**
 * docs/PAPER.md, enforced: every paper item the product implements has a row; each row's file exists,
 * exports its symbol and cites its item in the one spelling; and no code or doc spells a reference
 * another way (`Eq. 16`, `eq 16`, `equation (16)`, `Fig 6`, `figures 6-8`, …).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { canonicalOf, citedItems, declaresExport, misspelledReferences, REQUIRED_ITEMS } from './paper.ts';
import { backticked, markdownTable, readSources } from './sources.ts';

const DOC = 'docs/PAPER.md';
const rows = markdownTable(readFileSync(DOC, 'utf8'), ['item', 'what', 'file', 'symbol'], DOC).map((r) => ({
  item: r.cells[0]!,
  file: backticked(r.cells[2] ?? '')[0] ?? '',
  symbol: backticked(r.cells[3] ?? '')[0] ?? '',
  line: r.line,
}));

test(`${DOC}: every equation, figure and table the product implements has a row`, () => {
  const listed = new Set(rows.map((r) => r.item));
  assert.deepEqual(REQUIRED_ITEMS.filter((i) => !listed.has(i)), [], `items without a row in ${DOC}`);
  const unknown = rows.filter((r) => !/^(eq\. \(\d+\)|Fig\. \d+|Table \d+)$/.test(r.item)).map((r) => `${DOC}:${r.line}: "${r.item}"`);
  assert.deepEqual(unknown, [], 'an item cell holds one item, spelled eq. (N), Fig. N or Table N');
});

test(`${DOC}: each row's file exists, declares and exports its symbol, and cites its item`, () => {
  const bad: string[] = [];
  for (const r of rows) {
    const where = `${DOC}:${r.line} (${r.item})`;
    if (!r.file || !r.symbol) bad.push(`${where}: the file and symbol cells hold one \`name\` each`);
    else if (!existsSync(r.file)) bad.push(`${where}: ${r.file} does not exist`);
    else {
      const text = readFileSync(r.file, 'utf8');
      if (!declaresExport(text, r.symbol)) bad.push(`${where}: ${r.file} does not export ${r.symbol}`);
      if (!citedItems(text).has(r.item)) bad.push(`${where}: ${r.file} does not cite ${r.item} (grep for it would not find the file)`);
    }
  }
  if (bad.length > 0) assert.fail(`update ${DOC} (or the code):\n  ${bad.join('\n  ')}`);
});

test('code and docs spell paper references one way: eq. (16), eqs. (5)–(7), Fig. 6, Figs. 6–8, Table 1', () => {
  const texts = readSources(['src', 'native', 'test', 'bench', 'scripts']);
  for (const doc of ['README.md', 'BENCHMARKS.md', 'docs/ARCHITECTURE.md', 'docs/PAPER.md', 'docs/DECISIONS.md', 'docs/REPORT.md', 'docs/STORE.md']) {
    if (existsSync(doc)) texts.set(doc, readFileSync(doc, 'utf8'));
  }
  const bad: string[] = [];
  for (const [file, text] of texts) {
    if (file.startsWith('test/unit/repo/')) continue; // these tests quote the wrong spellings on purpose
    for (const m of misspelledReferences(text, file.endsWith('.md'))) bad.push(`${file}:${m.line}: "${m.found}" → ${canonicalOf(m.found)}`);
  }
  if (bad.length > 0) assert.fail(`non-canonical paper references (docs/PAPER.md):\n  ${bad.join('\n  ')}`);
});

test('the spelling rule on planted examples: every variant is found, every canonical form passes', () => {
  const wrong = [
    'Eq. 16', 'eq 16', 'eq. 16', '(eq. 16)', 'Eq. (17)', 'equation (16)', 'equation 16', 'eqn (16)', 'eq (16)', 'eqs. 5–7', 'eqs 5-7',
    'eqs. (5)-(7)', 'eq. (5)–(7)', 'Fig 6', 'fig. 6', 'figure 6', 'Figure 6', 'figures 1-12', 'Figs. 6-8', 'Figs 6–8', 'Figs. 3 / 10',
    'Fig. 6–8', 'table 1', 'Tables 1',
  ];
  for (const w of wrong) assert.equal(misspelledReferences(`see ${w} here`).length, 1, `"${w}" is found`);
  const right = ['eq. (16)', 'Silverstein (1995), eq. (1.4)', 'eqs. (5)–(7)', 'eqs. (5), (6) and (7)', 'Fig. 6', 'Figs. 6–8', 'Figs. 2–4 and 6–8',
    'Figs. 6, 7, 8', 'Table 1', 'a Fig. 1-style sheet', 'figures are drawn', 'buildTable1', 'fig01.ts', 'equation of the line'];
  for (const r of right) assert.deepEqual(misspelledReferences(`see ${r} here`), [], `"${r}" passes`);
  assert.deepEqual(misspelledReferences('a\nb (Eq. 17): c'), [{ line: 2, found: 'Eq. 17' }]);
  assert.deepEqual(misspelledReferences('statistic of eq.\n  (17) wrapped'), [{ line: 1, found: 'eq.⏎(17)' }], 'a reference broken over two lines');
  assert.deepEqual(misspelledReferences('never `Eq. 16` but Eq. 16', true), [{ line: 1, found: 'Eq. 16' }], 'Markdown code spans are quotations');
  assert.equal(canonicalOf('figures 1-12'), 'Figs. 1–12');
  assert.equal(canonicalOf('eqs. 5–7'), 'eqs. (5)–(7)');
  assert.equal(canonicalOf('Eq. (17)'), 'eq. (17)');
  assert.equal(canonicalOf('Figs. 3 / 10'), 'Figs. 3 and 10');
});

test('cited items expand ranges and lists; exports are found by declaration', () => {
  assert.deepEqual([...citedItems('eqs. (5)–(7); Figs. 2–4 and 6, 8; Table 1; eq. (16)')].sort(), [
    'Fig. 2', 'Fig. 3', 'Fig. 4', 'Fig. 6', 'Fig. 8', 'Table 1', 'eq. (16)', 'eq. (5)', 'eq. (6)', 'eq. (7)',
  ]);
  const text = 'export function initScale() {}\nexport const PAPER = 1;\nconst x = 1;\nexport { x as renamed };\nexport { y } from "./y.ts";\n';
  for (const s of ['initScale', 'PAPER', 'renamed']) assert.ok(declaresExport(text, s), s);
  for (const s of ['x', 'y', 'initScal']) assert.ok(!declaresExport(text, s), s);
});
