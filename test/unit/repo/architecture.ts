/**
 * The architecture rules of docs/ARCHITECTURE.md as pure functions over file texts, so
 * architecture.test.ts can run them on the repository and on planted examples alike:
 * - `import`: a src/ file imports only from its own layer or a layer its row of the layer table allows;
 * - `layer`: every src/ file lies in a declared layer (its first folder under src/);
 * - `cycle`: no import cycle among src/ files, of any length, inside a folder too;
 * - `lines` / `width`: at most {@link MAX_LINES} lines per file and {@link MAX_WIDTH} characters per
 *   line, except generated files (`@generated` or `GENERATED` in their first {@link GENERATED_MARK_LINES} lines).
 * Every import counts: static, `import type`, `export … from`, dynamic `import('…')`, and a worker
 * entry `new URL('./x.ts', import.meta.url)`.
 */
import { posix } from 'node:path';
import ts from 'typescript';
import { backticked, lineOf, markdownTable } from './sources.ts';

/** The most lines a source file may have. */
export const MAX_LINES = 400;
/** The most characters (code points) a line may have. */
export const MAX_WIDTH = 160;
/** A generated file says `@generated` (or `GENERATED`, in capitals) within its first this many lines. */
export const GENERATED_MARK_LINES = 5;

/** The rules, as named in failure messages and in the exceptions list. */
export type Rule = 'import' | 'layer' | 'cycle' | 'lines' | 'width';

/** The declared layers, in table order, and what each may import (besides itself). */
export interface LayerTable {
  readonly order: readonly string[];
  readonly mayImport: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * Reads the layer table (`| layer | may import | holds |`) from a Markdown document. A row's
 * "may import" cell lists backticked layer names, or says `everything`, or `(nothing in src)`.
 * @throws Error naming the document and line when a layer is declared twice, or may import a layer
 *   that is not declared above it (the table's order is the layering: imports point up the table).
 */
export function parseLayerTable(markdown: string, doc: string): LayerTable {
  const order: string[] = [];
  const mayImport = new Map<string, Set<string>>();
  for (const row of markdownTable(markdown, ['layer', 'may import', 'holds'], doc)) {
    const names = backticked(row.cells[0] ?? '');
    if (names.length !== 1) throw new Error(`${doc}:${row.line}: the layer cell must hold one \`name\`, found "${row.cells[0]}"`);
    const name = names[0]!;
    if (mayImport.has(name)) throw new Error(`${doc}:${row.line}: layer ${name} is declared twice`);
    const cell = row.cells[1] ?? '';
    const allowed = /^everything\b/i.test(cell) ? [...order] : backticked(cell);
    if (allowed.length === 0 && !/nothing/i.test(cell)) {
      throw new Error(`${doc}:${row.line}: layer ${name}: "may import" lists \`layers\`, says everything or (nothing in src); found "${cell}"`);
    }
    for (const a of allowed) {
      if (!order.includes(a)) throw new Error(`${doc}:${row.line}: layer ${name} may import ${a}, which is not declared above it (imports point up the table)`);
    }
    order.push(name);
    mayImport.set(name, new Set(allowed));
  }
  if (order.length === 0) throw new Error(`${doc}: the layer table has no rows`);
  return { order, mayImport };
}

/** One import of one file, resolved to a repository path. */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  /** The specifier as written. */
  readonly specifier: string;
  readonly line: number;
}

/** The path a relative specifier names, if it is one of `known` (trying `.js` → `.ts` and `/index.ts`). */
function resolveSpecifier(from: string, specifier: string, known: ReadonlySet<string>): string | null {
  const p = posix.normalize(posix.join(posix.dirname(from), specifier));
  for (const c of [p, p.replace(/\.js$/, '.ts'), `${p}.ts`, `${p}/index.ts`]) if (known.has(c)) return c;
  return null;
}

/**
 * Every relative import of a file that names one of `known` (repository-relative paths). Imports of
 * packages and of files outside `known` (build/, package.json) are not edges.
 */
export function importsOf(file: string, text: string, known: ReadonlySet<string>): ImportEdge[] {
  const found: Array<{ specifier: string; pos: number }> = ts
    .preProcessFile(text, true, true)
    .importedFiles.map((f) => ({ specifier: f.fileName, pos: f.pos }));
  for (const m of text.matchAll(/new URL\(\s*(['"])(\.{1,2}\/[^'"]+\.(?:ts|js|mjs))\1\s*,\s*import\.meta\.url\s*\)/g)) {
    found.push({ specifier: m[2]!, pos: m.index! });
  }
  const edges: ImportEdge[] = [];
  for (const { specifier, pos } of found) {
    if (!specifier.startsWith('.')) continue;
    const to = resolveSpecifier(file, specifier, known);
    if (to !== null) edges.push({ from: file, to, specifier, line: lineOf(text, pos) });
  }
  return edges;
}

/** The layer of a src/ file: its first folder under src/ (null for a file directly in src/). */
export function layerOf(file: string): string | null {
  const parts = file.split('/');
  return parts[0] === 'src' && parts.length >= 3 ? parts[1]! : null;
}

/** A broken rule. `file` is the offending file (for `cycle`: `files` holds the whole cycle). */
export interface Violation {
  readonly rule: Rule;
  readonly file: string;
  /** `import`: the imported file. */
  readonly to?: string;
  /** `cycle`: every file of the strongly connected component. */
  readonly files?: readonly string[];
  readonly message: string;
}

/** `layer` and `import` violations of src/ files against the table. */
export function layerViolations(files: readonly string[], edges: readonly ImportEdge[], table: LayerTable, doc: string): Violation[] {
  const out: Violation[] = [];
  const declared = table.order.join(', ');
  for (const f of files) {
    const layer = layerOf(f);
    if (layer === null || !table.mayImport.has(layer)) {
      const where = layer === null ? 'directly in src/' : `in src/${layer}/`;
      out.push({ rule: 'layer', file: f, message: `${f}: ${where}, which is not a layer of ${doc} (layers: ${declared})` });
    }
  }
  for (const e of edges) {
    const a = layerOf(e.from);
    const b = layerOf(e.to);
    if (a === b || a === null || !table.mayImport.has(a)) continue; // same layer, or already a `layer` violation
    const allowed = table.mayImport.get(a)!;
    if (b !== null && allowed.has(b)) continue;
    const may = allowed.size > 0 ? [...allowed].join(', ') : 'nothing in src';
    const target = b === null || !table.mayImport.has(b) ? `${b ?? 'src/'} (not a declared layer)` : b;
    out.push({
      rule: 'import',
      file: e.from,
      to: e.to,
      message: `${e.from}:${e.line} imports ${e.to} ('${e.specifier}'): layer ${a} may import ${may} (${doc}), not ${target}`,
    });
  }
  return out;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function importCycles(nodes: readonly string[], edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const e of edges) next.get(e.from)?.push(e.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (next.get(v) ?? []).includes(v)) out.push(scc.sort());
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return out;
}

/** A shortest import path from the first file of `scc` back to itself, inside the component. */
export function cyclePath(scc: readonly string[], edges: readonly ImportEdge[]): string[] {
  const inside = new Set(scc);
  const start = scc[0]!;
  const prev = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const e of edges) {
      if (e.from !== v || !inside.has(e.to)) continue;
      if (e.to === start) {
        const path = [start];
        for (let x: string | undefined = v; x !== undefined && x !== start; x = prev.get(x)) path.splice(1, 0, x);
        return [...path, start];
      }
      if (!prev.has(e.to)) {
        prev.set(e.to, v);
        queue.push(e.to);
      }
    }
  }
  return [start, start];
}

/** `cycle` violations: one per import cycle, with a shortest cycle and every file of the component. */
export function cycleViolations(nodes: readonly string[], edges: readonly ImportEdge[]): Violation[] {
  return importCycles(nodes, edges).map((scc) => ({
    rule: 'cycle' as const,
    file: scc[0]!,
    files: scc,
    message:
      `import cycle of ${scc.length} file${scc.length > 1 ? 's' : ''}: ${cyclePath(scc, edges).join(' → ')}` +
      (scc.length > 2 ? `; the whole cycle: ${scc.join(', ')}` : ''),
  }));
}

/** Whether a file says it is generated (see {@link GENERATED_MARK_LINES}). */
export function isGenerated(text: string): boolean {
  return text.split('\n', GENERATED_MARK_LINES).some((l) => /@generated\b|\bGENERATED\b/.test(l));
}

/** `lines` and `width` violations (one per file each) of the given files; generated files are exempt. */
export function sizeViolations(sources: ReadonlyMap<string, string>): Violation[] {
  const out: Violation[] = [];
  for (const [file, text] of sources) {
    if (isGenerated(text)) continue;
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    if (lines.length > MAX_LINES) out.push({ rule: 'lines', file, message: `${file}: ${lines.length} lines (at most ${MAX_LINES})` });
    const wide = lines.map((l, i) => ({ line: i + 1, width: [...l].length })).filter((l) => l.width > MAX_WIDTH);
    if (wide.length > 0) {
      const longest = wide.reduce((a, b) => (b.width > a.width ? b : a));
      const list = wide.slice(0, 8).map((l) => l.line).join(', ') + (wide.length > 8 ? ', …' : '');
      out.push({
        rule: 'width',
        file,
        message:
          `${file}: ${wide.length} line${wide.length > 1 ? 's' : ''} over ${MAX_WIDTH} characters ` +
          `(longest ${longest.width} at line ${longest.line}; lines ${list})`,
      });
    }
  }
  return out;
}

/** An excused violation: which rule, which file or folder (ending in `/`), and why. */
export interface ArchitectureException {
  readonly rule: Rule;
  /** The file, or a folder ending in `/`. `cycle`: every file of the cycle lies under it. */
  readonly file: string;
  /** `import` only: the imported file or folder (`/`); absent: any import of `file` under the rule. */
  readonly to?: string;
  /** Why it is allowed, and who removes it. */
  readonly reason: string;
}

const covers = (pattern: string, path: string): boolean => (pattern.endsWith('/') ? path.startsWith(pattern) : path === pattern);

/** Whether an exception excuses a violation. */
export function excuses(e: ArchitectureException, v: Violation): boolean {
  if (e.rule !== v.rule) return false;
  if (v.rule === 'cycle') return (v.files ?? [v.file]).every((f) => covers(e.file, f));
  if (!covers(e.file, v.file)) return false;
  return e.to === undefined || (v.to !== undefined && covers(e.to, v.to));
}
