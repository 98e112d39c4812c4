/**
 * report/README.md and report/index.html with hostile names in every text the record or the user can
 * put there (issue 15, item 7): dataset names and paths, titles, messages, warnings, run details,
 * check texts, figure captions and notes. Rendered with a CommonMark parser that allows raw HTML (as
 * GitHub does), the Markdown must hold no tag, comment or entity a name brought, and no terminal
 * control character; the HTML must hold no tag or attribute a name brought.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { renderHtml, renderMarkdown } from '../../../src/report/document.ts';
import type { ReportSummary } from '../../../src/report/summary.ts';
import { HOSTILE_NAMES } from '../../helpers/hostile.ts';

/** The i-th hostile name (cycling), so that every field gets a different one. */
let next = 0;
const h = (): string => HOSTILE_NAMES[next++ % HOSTILE_NAMES.length]!;

function hostileSummary(): ReportSummary {
  const dataset = `folder:/tmp/<img src=x onerror=alert(1)>/${h()}`;
  return {
    schema: 'glorot-report/2',
    generatedAt: h(),
    scale: 'smoke',
    scaleNote: h(),
    runRecord: 'glorot.sqlite',
    reportIndex: 'report/index.html',
    backends: [h(), h()],
    versions: { [h()]: h() },
    mainDataset: dataset,
    datasets: [{ dataset, title: h(), status: 'ran', message: null }],
    missingDatasets: [{ dataset: h(), message: h() }, { dataset: '<script>alert(1)</script>', message: '\u001b]0;pwned\u0007' }],
    table1: {
      rows: ['Tanh N'],
      columns: [{ dataset, title: h(), paperColumn: null, paperRelation: null, paperHeader: h() }],
      cells: [
        {
          dataset, label: 'Tanh N', ran: true, learningRate: 0.01, runIds: [h()], seeds: [1], errors: [20], mean: 20, std: null, min: 20, max: 20,
          diverged: 0, failed: 0, unfinished: 0, validationMean: 21, paper: null, paperColumn: null, paperRelation: null,
          significance: { best: true, against: null, p: null, significantlyWorse: null, note: h() },
        },
      ],
      spread: h(),
      test: h(),
      alpha: 0.005,
    },
    table1Context: [h(), h()],
    checks: [{ id: 'x', group: 'chance', title: h(), ours: 1, oursText: h(), paper: null, paperText: h(), verdict: 'pass', rule: h(), detail: h(), runs: [h()], source: h() }],
    checkCounts: { pass: 1, weak: 0, fail: 0, 'not-run': 0 },
    varianceTables: [{ label: 'Tanh N', runId: h(), rows: [{ layer: 1, quantity: 'activation', measured: 1, theory: 1, ratio: 1, meanField: 1, meanFieldError: null, population: null }] }],
    chance: { priors: [1], errorPercent: 0 },
    selections: [],
    figures: [{ number: 2, id: 'fig2', title: h(), caption: h(), status: 'ok', svg: 'figures/fig2.svg', png: 'figures/fig2.png', notes: [h(), h()], runs: [h()] }],
    runs: [
      {
        runId: h(), dataset, label: 'Tanh N', learningRate: 0.01, seed: 1, status: h(), statusDetail: h(), validationError: 1, testError: 2,
        countedAsFailure: false, lastUpdate: 10, plannedUpdates: 10, hidden: [8], minibatch: 10, backend: h(), selected: true,
      },
    ],
    warnings: HOSTILE_NAMES,
  } as ReportSummary;
}

/** The tags the document's own markup makes (README.md) — a name must add none. */
const OWN_MARKDOWN_TAGS = new Set(['h1', 'h2', 'h3', 'h4', 'p', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'ul', 'li', 'strong', 'a', 'img']);

test('report/README.md: hostile names render as text — no tag, comment, entity or control character from a name', () => {
  const md = renderMarkdown(hostileSummary());
  assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(md), 'no raw control character in README.md');
  const html = new MarkdownIt({ html: true }).render(md);
  const tags = new Set([...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()));
  for (const t of tags) assert.ok(OWN_MARKDOWN_TAGS.has(t), `README.md renders a <${t}> tag that a name brought`);
  assert.ok(!html.includes('<!--'), 'no HTML comment');
  assert.ok(!/onerror|<script/i.test(html.replace(/&lt;[^&]*&gt;/g, '')), 'no handler or script outside escaped text');
  // the only images and links are the document's own
  assert.deepEqual([...html.matchAll(/<img src="([^"]*)"/g)].map((m) => m[1]), ['figures/fig2.png']);
  assert.deepEqual([...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]), ['../glorot.sqlite', '../summary.json', 'index.html', 'figures/fig2.svg']);
  // and the names are still there, as text
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(html.includes('\\u001b]0;pwned\\u0007'));
});

test('report/index.html: hostile names are text — no tag or attribute from a name', () => {
  const html = renderHtml(hostileSummary());
  const tags = [...html.matchAll(/<[^>]*>/g)].map((m) => m[0]);
  for (const t of tags) assert.ok(!/script|onerror|src=x|<!--|<img(?! src="figures\/)/i.test(t), `a tag from a name: ${t}`);
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
});
