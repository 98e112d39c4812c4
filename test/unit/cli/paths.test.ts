/**
 * Every option or argument of every command that names a file or directory refuses an empty value,
 * naming the option (issue 15, item 6: `export --csv ""` wrote into the current directory and replaced
 * a user's README.txt; `--out ""` did not say it was empty); every run-id argument obeys the one run-id
 * rule. Walks the real command tree, so a path option added later without the check fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command, type Argument, type Option } from 'commander';
import { registerCommands } from '../../../src/cli/commands.ts';

/** A placeholder that names a path: `<dir>`, `[dir]`, `<file>`, `<file.png>`, `<experiment>`, `<dataset>`. */
const PATH_PLACEHOLDER = /[<[](dir|file|file\.png|experiment|dataset)[\]>]/;
/** A placeholder that names a run. */
const RUN_PLACEHOLDER = /[<[](run|id)[\]>]/;

/** Every command of the tree with its options and arguments. */
function commands(c: Command, path = 'glorot'): Array<{ path: string; options: readonly Option[]; args: readonly Argument[] }> {
  return [{ path, options: c.options, args: c.registeredArguments }, ...c.commands.flatMap((s) => commands(s, `${path} ${s.name()}`))];
}

const program = new Command();
registerCommands(program);
const all = commands(program);

/** What the parser of a placeholder does with `value`: the value, or the error's message. */
function parse(p: { parseArg?: ((v: string, prev: unknown) => unknown) | undefined }, value: string): string {
  try {
    return String(p.parseArg!(value, undefined));
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

test('every path option and argument of every command refuses an empty path, naming itself', () => {
  const checked: string[] = [];
  for (const c of all) {
    for (const o of c.options.filter((x) => PATH_PLACEHOLDER.test(x.flags))) {
      assert.ok(o.parseArg, `${c.path} ${o.flags}: no parser, so "" is taken as a path`);
      assert.equal(parse(o, ''), `error: ${o.long} is empty: expected ${/dir/.test(o.flags) ? 'a directory' : 'a file name'}`, `${c.path} ${o.flags}`);
      assert.equal(parse(o, 'some/path'), 'some/path');
      checked.push(`${c.path} ${o.long}`);
    }
    for (const a of c.args.filter((x) => PATH_PLACEHOLDER.test(`<${x.name()}>`))) {
      assert.ok(a.parseArg, `${c.path} <${a.name()}>: no parser`);
      assert.match(parse(a, ''), new RegExp(`^error: <${a.name()}> is empty: expected `), `${c.path} <${a.name()}>`);
      checked.push(`${c.path} <${a.name()}>`);
    }
  }
  // the kind, counted: --out of ten commands, --data-dir of five, --csv, --tensorboard of four, --pytorch, --config, preview's and data export's --out,
  // snapshot's --to, serve's --export, and five arguments (issue 15 items 11–13 added data export, eval, import, --pytorch and --tensorboard
  // on the training commands; issue 11 added serve)
  assert.deepEqual(checked.sort(), [
    'glorot data export --data-dir',
    'glorot data export --out',
    'glorot data export <dataset>',
    'glorot data info --data-dir',
    'glorot data info <dataset>',
    'glorot data preview --data-dir',
    'glorot data preview --out',
    'glorot data preview <dataset>',
    'glorot eval --data-dir',
    'glorot eval --out',
    'glorot export --csv',
    'glorot export --out',
    'glorot export --pytorch',
    'glorot export --tensorboard',
    'glorot import --out',
    'glorot import <file>',
    'glorot reproduce --data-dir',
    'glorot reproduce --out',
    'glorot reproduce --tensorboard',
    'glorot run --out',
    'glorot run --tensorboard',
    'glorot run <experiment>',
    'glorot runs --out',
    'glorot serve --export',
    'glorot serve --out',
    'glorot show --out',
    'glorot snapshot --out',
    'glorot snapshot --to',
    'glorot train --config',
    'glorot train --data-dir',
    'glorot train --out',
    'glorot train --tensorboard',
  ]);
});

test('every run-id option and argument obeys the one run-id rule (the one ids from the record obey)', () => {
  const bad = ['', '../evil', '/etc', 'a/b', '.hidden', 'UPPER', 'has space', 'x\u001b]0;t\u0007', 'a'.repeat(65), '-dash'];
  const checked: string[] = [];
  for (const c of all) {
    const placeholders = [...c.options.filter((o) => RUN_PLACEHOLDER.test(o.flags)), ...c.args.filter((a) => RUN_PLACEHOLDER.test(`<${a.name()}>`))];
    for (const p of placeholders) {
      const name = 'long' in p ? p.long! : `<${(p as Argument).name()}>`;
      assert.ok(p.parseArg, `${c.path} ${name}: no parser`);
      for (const v of bad) assert.match(parse(p, v), /^error: expected a run id: 1 to 64 lower-case letters/, `${c.path} ${name} ${JSON.stringify(v)}`);
      assert.equal(parse(p, 'tanh-normalized-d5-s1'), 'tanh-normalized-d5-s1');
      checked.push(`${c.path} ${name}`);
    }
  }
  assert.deepEqual(checked.sort(), ['glorot export <run>', 'glorot show <run>', 'glorot train --resume', 'glorot train --run-id']);
});
