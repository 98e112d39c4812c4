/**
 * The report as documents: `report/index.html` (self-contained: inline CSS, relative image paths,
 * no script and no external fetch, so it opens from disk) and `report/README.md` (the same content
 * in Markdown with image links). Both are built from the {@link ReportSummary} alone.
 */
import { htmlText, markdownHref, markdownText } from '../core/escape.ts';
import type { Check, VarianceTable } from './checks/types.ts';
import { PAPER_OTHER, PAPER_TABLE1_SOURCE } from './paper.ts';
import type { ReportSummary } from './summary.ts';
import { formatOurs, inTopGroup, type Table1, type Table1Cell } from './table1.ts';

const VERDICT_TEXT: Record<Check['verdict'], string> = { pass: 'pass', weak: 'shown (not significant)', fail: 'fail', 'not-run': 'not run' };

/** Text inside the HTML page: the one HTML escaping (src/core/escape.ts). */
const esc = htmlText;
/**
 * Text inside the Markdown page: the one Markdown escaping (src/core/escape.ts). Every string the
 * document does not spell itself (labels, dataset names and paths, run ids, messages, numbers) goes
 * through it; only the document's own markup (`#`, `|`, `**`, `- `, links) is written raw.
 */
const md = markdownText;

const num = (x: number | null | undefined, d = 2): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));
const sci = (x: number): string => (Number.isFinite(x) ? x.toPrecision(3) : '—');

function cellOf(t: Table1, dataset: string, label: string): Table1Cell | undefined {
  return t.cells.find((c) => c.dataset === dataset && c.label === label);
}

/** The sentences above Table 1 (spread, test, LR rule). */
function tableNotes(t: Table1): string[] {
  return [
    `Ours: final test error (%), mean ± ${t.spread}; n = seeds; a diverged or failed run counts as 100 %.`,
    'Learning rate (lr): per dataset × configuration, the grid value with the lowest mean final validation error over seeds (ties → the smaller rate).',
    `Significance: ${t.test}. Bold: the column's best cell and the cells not significantly worse than it (the paper's bold marks the same kind of group).`,
    `Paper values: ${PAPER_TABLE1_SOURCE.where} (${PAPER_TABLE1_SOURCE.transcribed}). A "paper ` +
      `(MNIST)" column beside Fashion-MNIST is a different dataset, shown for orientation only.`,
  ];
}

function htmlTable1(t: Table1): string {
  if (t.columns.length === 0) return '<p class="warn">No dataset ran: Table 1 is empty.</p>';
  const head1 = t.columns.map((c) => `<th colspan="4">${esc(c.title)}</th>`).join('');
  const head2 = t.columns.map((c) => `<th>ours</th><th>${esc(c.paperHeader)}</th><th>lr</th><th>significance</th>`).join('');
  const body = t.rows
    .map((label) => {
      const cells = t.columns
        .map((col) => {
          const c = cellOf(t, col.dataset, label);
          if (!c) return '<td>—</td><td>—</td><td>—</td><td>—</td>';
          const ours = esc(formatOurs(c));
          const paperCls = c.paperRelation === 'reference' ? ' class="ref"' : '';
          const paper = c.paper === null ? '—' : num(c.paper);
          return (
            `<td>${inTopGroup(c) ? `<b>${ours}</b>` : ours}</td><td${paperCls}>${paper}</td>` +
            `<td>${c.learningRate ?? '—'}</td><td class="small">${esc(c.significance.note)}</td>`
          );
        })
        .join('');
      return `<tr><th>${esc(label)}</th>${cells}</tr>`;
    })
    .join('\n');
  return `<table class="t1"><thead><tr><th rowspan="2">configuration</th>${head1}</tr><tr>${head2}</tr></thead><tbody>\n${body}\n</tbody></table>\n<ul ` +
    `class="small">${tableNotes(t).map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`;
}

function mdTable1(t: Table1): string {
  if (t.columns.length === 0) return 'No dataset ran: Table 1 is empty.\n';
  const columnHeads = (c: Table1['columns'][number]): string[] => [
    `${c.title}: ours`,
    `${c.title}: ${c.paperHeader}`,
    `${c.title}: lr`,
    `${c.title}: significance`,
  ];
  const head = ['configuration', ...t.columns.flatMap(columnHeads)];
  const lines = [`| ${head.map(md).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const label of t.rows) {
    const row: string[] = [md(label)];
    for (const col of t.columns) {
      const c = cellOf(t, col.dataset, label);
      if (!c) row.push('—', '—', '—', '—');
      else {
        const ours = md(formatOurs(c));
        row.push(inTopGroup(c) ? `**${ours}**` : ours, md(c.paper === null ? '—' : num(c.paper)), md(String(c.learningRate ?? '—')), md(c.significance.note));
      }
    }
    lines.push(`| ${row.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n\n${tableNotes(t).map((n) => `- ${md(n)}`).join('\n')}\n`;
}

function htmlChecks(checks: readonly Check[]): string {
  const rows = checks
    .map(
      (c) =>
        `<tr class="${c.verdict}"><td>${esc(c.title)}</td><td>${esc(c.oursText)}</td><td>${esc(c.paperText)}</td><td ` +
          `class="v">${VERDICT_TEXT[c.verdict]}</td><td class="small">${esc(c.detail)}<br><i>rule:</i> ` +
            `${esc(c.rule)}<br><i>source:</i> ${esc(c.source)}</td></tr>`,
    )
    .join('\n');
  return `<table class="checks"><thead><tr><th>check</th><th>ours</th><th>paper</th><th>verdict</th><th>measurements · rule · ` +
    `source</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function mdChecks(checks: readonly Check[]): string {
  const lines = ['| check | ours | paper | verdict | measurements · rule · source |', '|---|---|---|---|---|'];
  for (const c of checks) lines.push(`| ${md(c.title)} | ${md(c.oursText)} | ${md(c.paperText)} | **${md(VERDICT_TEXT[c.verdict])}** | ` +
    `${md(c.detail)}; rule: ` +
    `${md(c.rule)}; source: ${md(c.source)} |`);
  return `${lines.join('\n')}\n`;
}

const QUANTITY: Record<string, string> = { activation: 'Var[z^k]', backprop_grad: 'Var[∂C/∂s] per example', weight_grad: 'Var[∂C/∂W] per example' };

/** A prediction and its error against the measurement: `1.23e-2 (+1.1%)`; `—` without one. */
function withError(p: number | null, measured: number): string {
  if (p === null || !Number.isFinite(p)) return '—';
  const e = 100 * (p / measured - 1);
  return `${sci(p)} (${e >= 0 ? '+' : '−'}${Math.abs(e).toFixed(1)}%)`;
}

const VARIANCE_HEAD = ['quantity', 'layer', 'measured', 'mean-field (error)', 'population mean-field (error)', 'linear, eqs. (5)–(7)', 'measured / linear'];

function varianceRows(v: VarianceTable): string[][] {
  return v.rows.map((r) => [
    QUANTITY[r.quantity] ?? r.quantity,
    String(r.layer),
    sci(r.measured),
    withError(r.meanField, r.measured),
    withError(r.population, r.measured),
    sci(r.theory),
    num(r.ratio),
  ]);
}

function htmlVariance(tables: readonly VarianceTable[]): string {
  if (tables.length === 0) return '<p>No tanh or softsign run recorded predictions at initialization.</p>';
  return tables
    .map(
      (v) =>
        `<h4>${esc(v.label)} (run ${esc(v.runId)})</h4><table class="small"><thead><tr>` +
        `${VARIANCE_HEAD.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>` +
        `<tbody>${varianceRows(v)
          .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
          .join('')}</tbody></table>`,
    )
    .join('\n');
}

function mdVariance(tables: readonly VarianceTable[]): string {
  if (tables.length === 0) return 'No tanh or softsign run recorded predictions at initialization.\n';
  return tables
    .map((v) => {
      const lines = [`#### ${md(`${v.label} (run ${v.runId})`)}`, '', `| ${VARIANCE_HEAD.map(md).join(' | ')} |`];
      lines.push(`|${VARIANCE_HEAD.map(() => '---').join('|')}|`);
      for (const r of varianceRows(v)) lines.push(`| ${r.map(md).join(' | ')} |`);
      return lines.join('\n');
    })
    .join('\n\n')
    .concat('\n');
}

function statusNote(s: 'ok' | 'partial' | 'not-run'): string {
  return s === 'ok' ? '' : s === 'partial' ? ' (partly not run at this scale)' : ' (not run at this scale)';
}

function htmlFigures(s: ReportSummary): string {
  return s.figures
    .map(
      (f) => `<section class="fig" id="${f.id}"><h3>Fig. ${f.number}: ${esc(f.title)}${esc(statusNote(f.status))}</h3>
<a href="${esc(f.svg)}"><img src="${esc(f.png)}" alt="Fig. ${f.number}: ${esc(f.title)}"></a>
<p>${esc(f.caption)}</p>${f.notes.length ? `<ul class="small">${f.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}${f.runs.length ? `<p ` +
  `class="small">runs: ${f.runs.map(esc).join(', ')} · <a ` +
    `href="${esc(f.svg)}">SVG</a></p>` : `<p class="small"><a href="${esc(f.svg)}">SVG</a></p>`}</section>`,
    )
    .join('\n');
}

function mdFigures(s: ReportSummary): string {
  return s.figures
    .map(
      (f) =>
        `### ${md(`Fig. ${f.number}: ${f.title}${statusNote(f.status)}`)}\n\n![Fig. ${f.number}](${markdownHref(f.png)})\n\n${md(f.caption)}\n` +
        `${f.notes.length ? `\n${f.notes.map((n) => `- ${md(n)}`).join('\n')}\n` : ''}\n` +
        `${f.runs.length ? `Runs: ${md(f.runs.join(', '))} · ` : ''}[SVG](${markdownHref(f.svg)})\n`,
    )
    .join('\n');
}

function runRows(s: ReportSummary): string[][] {
  return s.runs.map((r) => [
    r.runId,
    r.dataset,
    r.label,
    String(r.learningRate),
    String(r.seed),
    r.status + (r.statusDetail ? ` (${r.statusDetail})` : ''),
    r.countedAsFailure ? '100 (counted)' : num(r.validationError),
    r.countedAsFailure ? '100 (counted)' : num(r.testError),
    `${r.lastUpdate ?? '—'} / ${r.plannedUpdates ?? '—'}`,
    r.hidden.join('×'),
    r.selected ? 'yes' : '',
  ]);
}
const RUN_HEAD = [
  'run',
  'dataset',
  'configuration',
  'lr',
  'seed',
  'status',
  'final valid. err %',
  'final test err %',
  'updates done / planned',
  'hidden',
  'selected lr',
];

function header(s: ReportSummary): { title: string; facts: Array<[string, string]> } {
  const facts: Array<[string, string]> = [
    ['scale', s.scale],
    ['what this scale changes from the paper', s.scaleNote],
    ['compute backend', s.backends.join('; ') || '—'],
    ['datasets run', s.datasets.filter((d) => d.status === 'ran').map((d) => d.title).join(', ') || 'none'],
    ['Figs. 2–10 and per-run checks drawn from', s.mainDataset ?? '—'],
    ['checks', `${s.checkCounts.pass} pass · ${s.checkCounts.weak} shown (not significant) · ${s.checkCounts.fail} fail · ${s.checkCounts['not-run']} not run`],
    ['generated', s.generatedAt],
    ['versions', Object.entries(s.versions).map(([k, v]) => `${k} ${v}`).join(', ') || '—'],
  ];
  return { title: 'Glorot & Bengio (2010), reproduced with glorot', facts };
}

const CSS = `body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:1400px;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left}th{background:#f3f3f3}
.small{font-size:.85em;color:#444}.ref{color:#888;font-style:italic}.warn{color:#a33}
tr.pass td.v{background:#dff3df;font-weight:bold}tr.weak td.v{background:#fbf3d0;font-weight:bold}
tr.fail td.v{background:#f8dddd;font-weight:bold}tr.not-run td.v{background:#eee;color:#777}
.context{background:#fff8e1;border-left:4px solid #e0b000;padding:.3em 1em;margin:.5em 0}.fig img{max-width:100%;border:1px solid #ddd}.facts th{width:22em}`;

/** The report's HTML page (self-contained; links are relative to `<outDir>/report/`). */
export function renderHtml(s: ReportSummary): string {
  const h = header(s);
  const missing = s.missingDatasets.length
    ? `<h2>Datasets not run</h2><ul>${s.missingDatasets.map((d) => `<li><b>${esc(d.dataset)}</b>: ${esc(d.message)}</li>`).join('')}</ul>`
    : '';
  const warnings = s.warnings.length ? `<h2>Warnings</h2><ul class="warn">${s.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : '';
  const toc = s.figures.map((f) => `<a href="#${f.id}">Fig. ${f.number}</a>`).join(' · ');
  const intro =
    '<p>X. Glorot, Y. Bengio, “Understanding the difficulty of training deep feedforward neural networks”, AISTATS 2010. ' +
    `Every number below is read from the run record <a href="../${esc(s.runRecord)}">${esc(s.runRecord)}</a>; ` +
    'machine-readable: <a href="../summary.json">summary.json</a>.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(h.title)}</title><style>${CSS}</style></head><body>
<h1>${esc(h.title)}</h1>
${intro}
<table class="facts">${h.facts.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
${missing}${warnings}
<h2>Table 1: test error (%)</h2>
${s.table1Context.length ? `<div class="context"><b>Read Table 1 with this in ` +
  `mind:</b><ul>${s.table1Context.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></div>` : ''}
${htmlTable1(s.table1)}
<h2>Checks</h2>
${htmlChecks(s.checks)}
<h3>Predicted vs measured variances at initialization (mean-field; the paper's linear eqs. (5)–(7))</h3>
${htmlVariance(s.varianceTables)}
<h2>Figures</h2>
<p>${toc}</p>
${htmlFigures(s)}
<h2>Runs</h2>
<table class="small"><thead><tr>${RUN_HEAD.map((x) => `<th>${esc(x)}</th>`).join('')}</tr></thead><tbody>
${runRows(s).map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n')}
</tbody></table>
<h2>Other numbers from the paper (context, not reproduced)</h2>
<ul>${PAPER_OTHER.map((p) => `<li>${esc(p.what)}: ${p.value} ${esc(p.unit)} (${esc(p.source.where)})</li>`).join('')}</ul>
</body></html>
`;
}

/** The report as Markdown (image links relative to `<outDir>/report/`). */
export function renderMarkdown(s: ReportSummary): string {
  const h = header(s);
  const parts = [
    `# ${md(h.title)}`,
    '',
    `X. Glorot, Y. Bengio, "Understanding the difficulty of training deep feedforward neural networks", AISTATS 2010. Every number below is read from the ` +
      `run record [${md(s.runRecord)}](${markdownHref(`../${s.runRecord}`)}); machine-readable: [summary.json](../summary.json). ` +
      'HTML version: [index.html](index.html).',
    '',
    '| | |',
    '|---|---|',
    ...h.facts.map(([k, v]) => `| ${md(k)} | ${md(v)} |`),
    '',
  ];
  if (s.missingDatasets.length) parts.push('## Datasets not run', '', ...s.missingDatasets.map((d) => `- **${md(d.dataset)}**: ${md(d.message)}`), '');
  if (s.warnings.length) parts.push('## Warnings', '', ...s.warnings.map((w) => `- ${md(w)}`), '');
  parts.push('## Table 1: test error (%)', '');
  if (s.table1Context.length) parts.push('**Read Table 1 with this in mind:**', '', ...s.table1Context.map((n) => `- ${md(n)}`), '');
  const varianceHead = "### Predicted vs measured variances at initialization (mean-field; the paper's linear eqs. (5)–(7))";
  parts.push(mdTable1(s.table1), '## Checks', '', mdChecks(s.checks), varianceHead, '', mdVariance(s.varianceTables));
  parts.push('## Figures', '', mdFigures(s));
  const runLines = runRows(s).map((r) => `| ${r.map(md).join(' | ')} |`);
  parts.push('## Runs', '', `| ${RUN_HEAD.map(md).join(' | ')} |`, `|${RUN_HEAD.map(() => '---').join('|')}|`, ...runLines, '');
  const otherHead = '## Other numbers from the paper (context, not reproduced)';
  parts.push(otherHead, '', ...PAPER_OTHER.map((p) => `- ${md(`${p.what}: ${p.value} ${p.unit} (${p.source.where})`)}`), '');
  return parts.join('\n');
}
