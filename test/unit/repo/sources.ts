/**
 * Reading the repository for the repository-wide tests (architecture, paper index): the source files
 * under a directory, and the rows of a Markdown table found by its header.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Extensions of the files the repository-wide rules read. */
export const SOURCE_EXTENSIONS: readonly string[] = ['.ts', '.js', '.mjs', '.c', '.h'];

/**
 * Every source file under `dir`, as a repository-relative path with `/` separators, sorted.
 * @param dir a repository-relative directory, e.g. `src`.
 */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (SOURCE_EXTENSIONS.some((e) => name.endsWith(e))) out.push(p.split('\\').join('/'));
    }
  };
  walk(dir);
  return out;
}

/** The text of every file of {@link sourceFiles}, by path. */
export function readSources(dirs: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const d of dirs) for (const f of sourceFiles(d)) m.set(f, readFileSync(f, 'utf8'));
  return m;
}

/** One row of a Markdown table: its cells (trimmed) and its 1-based line number. */
export interface TableRow {
  readonly cells: string[];
  readonly line: number;
}

/** Splits a table line on `|`, except `\|` (an escaped bar inside a cell). */
function cellsOf(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

/**
 * The body rows of the first Markdown table in `text` whose header cells are exactly `header`
 * (case-insensitive). Throws when there is no such table, naming the header and the document.
 */
export function markdownTable(text: string, header: readonly string[], doc: string): TableRow[] {
  const lines = text.split('\n');
  const want = header.map((h) => h.toLowerCase());
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i]!.trim().startsWith('|')) continue;
    const head = cellsOf(lines[i]!).map((c) => c.toLowerCase());
    if (head.length !== want.length || head.some((c, k) => c !== want[k])) continue;
    const rows: TableRow[] = [];
    for (let j = i + 2; j < lines.length && lines[j]!.trim().startsWith('|'); j++) rows.push({ cells: cellsOf(lines[j]!), line: j + 1 });
    return rows;
  }
  throw new Error(`${doc}: no table with the header | ${header.join(' | ')} |`);
}

/** The names written in backticks in a cell: "`core`, `kernels`" → ['core', 'kernels']. */
export function backticked(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** The 1-based line of character offset `pos` in `text`. */
export function lineOf(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
