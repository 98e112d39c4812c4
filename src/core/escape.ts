/**
 * Escaping text for where it goes (issue 15, item 7): one function per destination, the one home of
 * each. Names glorot did not choose — class names (folder names, batches.meta.txt), dataset paths,
 * variant labels, error messages quoting a file — reach a terminal, a Markdown file and an HTML page.
 * - {@link terminalText}: the command line's output (src/cli prints everything through it);
 * - {@link markdownText}: text inside report/README.md (src/report/document.ts);
 * - {@link htmlText}: text and attribute values inside report/index.html;
 * - {@link svgText}: text inside an SVG document (Fig. 1's sheet labels, src/data/preview.ts).
 */

/**
 * Characters a terminal acts on instead of showing: C0 controls but tab and newline (ESC starts
 * colour, cursor and window-title sequences; CR overwrites the line; BEL rings), DEL, the C1 controls
 * U+0080–U+009F (U+009B is a one-character CSI on some terminals), and the bidirectional overrides and
 * isolates U+202A–U+202E, U+2066–U+2069 (they reorder what is shown: "Trojan Source").
 */
const TERMINAL_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `\u001b` for ESC: the JSON spelling, so JSON output stays valid JSON with the same meaning. */
function visible(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Text made safe to print on a terminal: every character of {@link TERMINAL_UNSAFE} is written as
 * its JSON escape (`\u001b`), so it is seen, never obeyed; newlines and tabs stay. JSON text stays
 * valid JSON with the same value (JSON.stringify leaves C1 and bidi characters raw).
 */
export function terminalText(s: string): string {
  return s.replace(TERMINAL_UNSAFE, visible);
}

/** Characters with a meaning inside a line of Markdown (CommonMark and GitHub's extensions). */
const MARKDOWN_INLINE = /[\\`*_[\]<>!|~&$]/g;
/** What makes a line a heading, quote, list item, thematic break or setext underline. */
const MARKDOWN_LINE_START = /^([#>+=-]|\d+[.)])/;

/**
 * Text made literal inside Markdown: what renders is exactly `s` (whitespace runs aside), never a
 * tag, entity, link, emphasis, code span, table cell break, heading or list. Backslash escapes the
 * characters CommonMark gives a meaning inside a line (`\ ` * _ [ ] < > ! | ~ & $`) and a leading
 * block marker (`#`, `>`, `+`, `-`, `=`, `1.`); newlines and tabs become spaces (one line: safe in a
 * table cell or a list item) and leading spaces go (four would start a code block). Controls are
 * written as in {@link terminalText} (a README is read in terminals too).
 */
export function markdownText(s: string): string {
  const line = terminalText(s.replace(/[\r\n\t]+/g, ' ')).trimStart();
  return line.replace(MARKDOWN_INLINE, (c) => `\\${c}`).replace(MARKDOWN_LINE_START, (m) => `${m.slice(0, -1)}\\${m.slice(-1)}`);
}

/**
 * A Markdown link destination for a relative path glorot made (`figures/fig3.png`): percent-encoded,
 * so spaces, parentheses and angle brackets cannot end or break the link.
 */
export function markdownHref(path: string): string {
  return encodeURI(path).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Text made literal inside HTML, in element content and in quoted attribute values. */
export function htmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** What XML cannot hold even as a character reference, beyond the C0 controls: U+FFFE, U+FFFF and unpaired surrogates. */
const XML_UNSAFE = /[\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text made literal inside an SVG (XML) element or quoted attribute, on one line: the characters XML
 * cannot hold at all (C0 controls, U+FFFE, U+FFFF, unpaired surrogates) and those {@link terminalText}
 * escapes are written as it writes them (`\u001b`, so they are seen), newlines and tabs become
 * spaces, and markup characters are escaped as in {@link htmlText}.
 */
export function svgText(s: string): string {
  return htmlText(terminalText(s.replace(/[\r\n\t]+/g, ' ')).replace(XML_UNSAFE, visible));
}
