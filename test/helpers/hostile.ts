/** Hostile names for the escaping tests (issue 15, item 7): what a folder, a path, a label or a message could hold. */

/** Names as a class folder, a dataset path, a label or an error message could carry them. */
export const HOSTILE_NAMES: readonly string[] = [
  '\u001b]0;pwned\u0007', // window title
  '\u001b]2;title\u001b\\', // window title, ST-terminated
  '\u001b[31mred\u001b[0m', // colour
  '\u001b[2J\u001b[H', // clear screen, cursor home
  '\u009b31mC1 CSI', // one-character CSI
  '\u009d0;osc\u009c', // C1 OSC … ST
  'over\rwrite', // carriage return
  'bell\u0007', 'nul\u0000byte', 'del\u007f', 'backspace\u0008x',
  'abc\u202Egnp.exe', // right-to-left override
  'iso\u2066late\u2069',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<!-- comment -->',
  '&lt;b&gt; &amp; &#60;',
  '"double" \'single\'',
  '# heading', '## two', '- item', '+ plus', '* star', '1. one', '12) paren', '> quote', '---', '===', '***',
  '**bold** __bold__ *it* _it_',
  '`code` ``two``',
  '[link](http://evil.example) ![img](x.png)',
  '[ref][1] [^1]',
  'a | b | c',
  '~~strike~~ ~sub~',
  '$x^2$ $$y$$',
  'back\\slash\\',
  '<http://evil.example>',
  '    four-space code',
  '\t# tab then heading',
  'line1\nline2\n# line3',
  'hard  \nbreak',
  'folder:/tmp/a b/(c)',
  'T-shirt/top',
  '日本語 ✓ 🐈',
  'plain',
];
