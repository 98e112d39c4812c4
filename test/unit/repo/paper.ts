/**
 * Paper references in code and docs (docs/PAPER.md): the one spelling — `eq. (16)`, `eqs. (5)–(7)`,
 * `Fig. 6`, `Figs. 6–8`, `Table 1` — and which items a text cites. Pure functions over text, shared by
 * paper-index.test.ts's checks on the repository and on planted examples.
 */

/** A paper item: `eq. (N)`, `Fig. N` or `Table N`, written canonically. */
export type PaperItem = string;

/** The items the product implements (issue 10): eqs. (1), (5)–(7), (10)–(14), (16), (17), Figs. 1–12, Table 1. */
export const REQUIRED_ITEMS: readonly PaperItem[] = [
  ...[1, 5, 6, 7, 10, 11, 12, 13, 14, 16, 17].map((n) => `eq. (${n})`),
  ...Array.from({ length: 12 }, (_, i) => `Fig. ${i + 1}`),
  'Table 1',
];

/** Anything that looks like a reference, canonical or not. */
const LOOSE = /\b(?:eqs?|eqns?|equations?)\b\.?\s*\(?\s*\d|\b(?:figs?|figures?)\b\.?\s*\d|\btables?\b\.?\s*\d/gi;

/** A list item: `N` or a range `A–B` (en dash); for equations each number in parentheses. */
const FIG_ITEM = String.raw`\d+(?:–\d+)?`;
const EQ_ITEM = String.raw`\(\d+\)(?:–\(\d+\))?`;
const SEP = String.raw`(?:, and |, | and )`;

/** The canonical forms, tried where {@link LOOSE} matched; none may run on into a hyphen, slash or dash. */
const CANONICAL: readonly RegExp[] = [
  /eq\. \(\d+(?:\.\d+)*\)/y, // another paper's numbering too: Silverstein (1995), eq. (1.4)
  new RegExp(String.raw`eqs\. ${EQ_ITEM}(?:${SEP}${EQ_ITEM})*`, 'y'),
  /Fig\. \d+/y,
  new RegExp(String.raw`Figs\. ${FIG_ITEM}(?:${SEP}${FIG_ITEM})*`, 'y'),
  /Table \d+/y,
];
const RUNS_ON = /^\s*[-–/]\s*\(?\d/;

/** One spelling that is not canonical. */
export interface Misspelling {
  readonly line: number;
  readonly found: string;
}

/**
 * The references in `text` not written canonically, with their 1-based lines. In Markdown (`markdown`
 * true) inline code spans are quotations and are skipped.
 */
export function misspelledReferences(source: string, markdown = false): Misspelling[] {
  const text = markdown ? source.replace(/`[^`\n]*`/g, (span) => ' '.repeat(span.length)) : source;
  const out: Misspelling[] = [];
  for (const m of text.matchAll(LOOSE)) {
    const at = m.index!;
    const ok = CANONICAL.some((re) => {
      re.lastIndex = at;
      const c = re.exec(text);
      return c !== null && !RUNS_ON.test(text.slice(at + c[0].length, at + c[0].length + 6));
    });
    if (ok) continue;
    // the reference as written, up to its number (and a range); a line break inside it shows as ⏎
    const written = /^[^\d]*?(?:\(\s*\d+\)|\d+)(?:\s*[-–/]\s*(?:\(\d+\)|\d+))?/.exec(text.slice(at))![0];
    out.push({ line: text.slice(0, at).split('\n').length, found: written.replace(/\s*\n\s*/g, '⏎').replace(/\s+/g, ' ') });
  }
  return out;
}

/** Expands `A–B` into A … B. */
function expand(item: string): number[] {
  const [a, b] = item.split('–').map((x) => Number(x.replace(/[()]/g, '')));
  return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, i) => a! + i);
}

/** Every item `text` cites canonically, ranges and lists expanded (`Figs. 6–8` cites Figs. 6, 7 and 8). */
export function citedItems(text: string): Set<PaperItem> {
  const out = new Set<PaperItem>();
  for (const m of text.matchAll(new RegExp(String.raw`\beq\. (\(\d+\))|\beqs\. (${EQ_ITEM}(?:${SEP}${EQ_ITEM})*)`, 'g'))) {
    for (const item of (m[1] ?? m[2]!).split(new RegExp(SEP))) for (const n of expand(item)) out.add(`eq. (${n})`);
  }
  for (const m of text.matchAll(new RegExp(String.raw`\bFig\. (\d+)|\bFigs\. (${FIG_ITEM}(?:${SEP}${FIG_ITEM})*)`, 'g'))) {
    for (const item of (m[1] ?? m[2]!).split(new RegExp(SEP))) for (const n of expand(item)) out.add(`Fig. ${n}`);
  }
  for (const m of text.matchAll(/\bTable (\d+)/g)) out.add(`Table ${m[1]}`);
  return out;
}

/** Whether `text` exports `symbol` from a declaration of its own (not a re-export from elsewhere). */
export function declaresExport(text: string, symbol: string): boolean {
  const decl = new RegExp(String.raw`^export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|var|class|interface|type|enum)\s+${symbol}\b`, 'm');
  if (decl.test(text)) return true;
  for (const m of text.matchAll(/^export\s*\{([^}]*)\}\s*(from\b)?/gm)) {
    if (m[2]) continue;
    if (m[1]!.split(',').some((n) => n.trim().split(/\s+as\s+/).pop() === symbol)) return true;
  }
  return false;
}

/** The canonical spelling of a misspelled reference: `Eq. 16` → `eq. (16)`, `figures 1-12` → `Figs. 1–12`. */
export function canonicalOf(found: string): string {
  const nums = [...found.matchAll(/\d+/g)].map((m) => m[0]);
  const join = found.includes('/') ? ' and ' : '–';
  if (/^eq/i.test(found)) return nums.length > 1 ? `eqs. (${nums[0]})${join}(${nums[1]})` : `eq. (${nums[0]})`;
  if (/^fig/i.test(found)) return nums.length > 1 ? `Figs. ${nums[0]}${join}${nums[1]}` : `Fig. ${nums[0]}`;
  return `Table ${nums[0]}`;
}
