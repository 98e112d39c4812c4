/**
 * End-to-end tests of `glorot serve` as a user runs it: the URL on 127.0.0.1 by default, a warning
 * for any other address, clear exit messages naming the file for a missing or corrupt record, and
 * `--export`: a static snapshot whose data.js holds exactly the canonical request paths, each with
 * the live server's answer, written atomically and only inside the chosen directory.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { after, before, test } from 'node:test';
import { DEFAULT_WEB_DIR, exportSnapshot, missingWebApp, startServer } from '../../../src/serve/index.ts';
import { openRunStore } from '../../../src/store/index.ts';
import { SNAPSHOT_HEADER } from '../../../src/serve/exportDir.ts';
import { BIN, get, getJson, tempDir, trainTiny } from '../../helpers/serve.ts';

const root = tempDir();
const out = join(root, 'out');
before(() => {
  trainTiny(out, 'tiny');
  const w = openRunStore(out);
  w.createRun({ id: 'empty', config: { hidden: [2], activation: '<img src=x onerror=alert(1)>' }, seed: 2, backend: 'reference', threads: 1 });
  w.close();
});
after(() => rmSync(root, { recursive: true, force: true }));

/** Runs `glorot serve` with `args` until it prints its URL; returns the URL, its stderr so far and a stop function. */
async function serve(args: readonly string[], cwd?: string): Promise<{ url: string; stderr: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 120 s; stderr: ${stderr}`)), 120_000);
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = /glorot serve: (http:\/\/\S+)/.exec(stdout);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  const stop = (): Promise<number | null> =>
    new Promise((resolve) => {
      child.on('exit', (code) => resolve(code));
      child.kill('SIGTERM');
    });
  return { url, stderr: () => stderr, stop };
}

/** What `glorot serve` prints on stderr at start about the package's web app: nothing once it is built. */
const webAppNote = (): string => {
  const missing = missingWebApp(DEFAULT_WEB_DIR);
  return missing === null ? '' : `glorot serve: ${missing}\n`;
};

test('glorot serve: prints a URL on 127.0.0.1, serves, stops cleanly on SIGTERM', async () => {
  const s = await serve(['--out', out]);
  assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.deepEqual((await getJson<Array<{ id: string }>>(s.url, '/api/runs')).map((r) => r.id), ['empty', 'tiny']);
  assert.equal(await s.stop(), 0);
  assert.equal(s.stderr(), webAppNote(), 'no warning on the default address; a note only when the web app is not built');
});

test('glorot serve started from another directory serves the package\'s build/web, or says how to build it', async () => {
  const elsewhere = join(root, 'cwd');
  mkdirSync(join(elsewhere, 'build', 'web'), { recursive: true });
  writeFileSync(join(elsewhere, 'build', 'web', 'index.html'), '<!doctype html><title>not the app</title>');
  const s = await serve(['--out', out], elsewhere);
  const page = await get(s.url, '/');
  await s.stop();
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.body, /not the app/, 'never build/web of the working directory');
  const index = join(DEFAULT_WEB_DIR, 'index.html');
  if (existsSync(index)) assert.equal(page.body, readFileSync(index, 'utf8'));
  else assert.match(page.body, /web app is not built.*`npm run build`/);
  assert.equal(s.stderr(), webAppNote());
});

test('glorot serve --host 0.0.0.0: a warning that the network reaches it, a URL a browser can open, and it listens there', async () => {
  const s = await serve(['--out', out, '--host', '0.0.0.0', '--port', '0']);
  assert.match(s.stderr(), /warning: --host 0\.0\.0\.0 listens on every address of this machine, so the dashboard is reachable from the network/);
  assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/$/, 'not http://0.0.0.0:…, which is no address to open');
  const port = new URL(s.url).port;
  const r = await get(`http://127.0.0.1:${port}/`, '/api/runs', { headers: { host: 'my-machine.lan' } });
  assert.equal(r.status, 200, 'bound on purpose to a public address: any Host is answered');
  await s.stop();
});

test('a missing or corrupt record exits 1, a bad port or host 2 (a command line that cannot be run, issue 15 item 10), each with a message naming the file or flag', () => {
  const run = (args: string[]): { status: number | null; stderr: string } => {
    const r = spawnSync(process.execPath, [BIN, 'serve', ...args], { encoding: 'utf8', timeout: 120_000 });
    return { status: r.status, stderr: r.stderr };
  };
  const empty = join(root, 'nothing');
  mkdirSync(empty);
  const missing = run(['--out', empty]);
  assert.equal(missing.status, 1);
  assert.ok(missing.stderr.includes(join(empty, 'glorot.sqlite')), missing.stderr);
  assert.match(missing.stderr, /^glorot: --out: no run record in /, 'led by the option that chose the directory');
  const corrupt = join(root, 'corrupt');
  mkdirSync(corrupt);
  writeFileSync(join(corrupt, 'glorot.sqlite'), 'not a database at all, just some text '.repeat(100));
  const bad = run(['--out', corrupt]);
  assert.equal(bad.status, 1);
  assert.ok(bad.stderr.includes(`${join(corrupt, 'glorot.sqlite')} is not a SQLite database`), bad.stderr);
  const port = run(['--out', out, '--port', '70000']);
  assert.equal(port.status, 2);
  assert.match(port.stderr, /--port <n>' argument '70000' is invalid\. expected a whole number from 0 to 65535 in decimal digits, found "70000"/);
  const host = run(['--out', out, '--host', '']);
  assert.equal(host.status, 2, 'an empty --host would bind every address: a usage error');
  assert.match(host.stderr, /--host is empty: expected an address or name/);
  const exp = run(['--out', empty, '--export', join(root, 'never')]);
  assert.equal(exp.status, 1);
  assert.equal(existsSync(join(root, 'never')), false, 'no snapshot directory for a missing record');
  writeFileSync(join(root, 'a-file'), 'x');
  const under = run(['--out', out, '--export', join(root, 'a-file', 'snap')]);
  assert.equal(under.status, 1);
  assert.equal(under.stderr, `glorot: --export: cannot create the snapshot directory ${join(root, 'a-file', 'snap')}: ${join(root, 'a-file')} is a file, not a directory\n`);
});

test('--export: index.html loads data.js, which holds exactly the canonical paths with the live answers', async (t) => {
  const web = join(root, 'web');
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><head><script type="module" src="./assets/app.js"></script></head>');
  writeFileSync(join(web, 'assets', 'app.js'), 'export {}');
  writeFileSync(join(root, 'outside.txt'), 'x');
  symlinkSync(join(root, 'outside.txt'), join(web, 'assets', 'leak.txt'));
  const dir = join(root, 'snap');
  const r = exportSnapshot({ outDir: out, exportDir: dir, webDir: web });
  assert.equal(r.webApp, true);
  assert.deepEqual([...r.files].sort(), ['assets/app.js', 'data.js', 'index.html']);
  assert.match(readFileSync(join(dir, 'index.html'), 'utf8'), /<head><script src="\.\/data\.js"><\/script>\n<script type="module"/);
  assert.deepEqual(readdirSync(dir).sort(), ['assets', 'data.js', 'index.html'], 'no temporary files left');
  const sandbox: { globalThis?: unknown; GLOROT_SNAPSHOT?: Record<string, unknown> } = {};
  runInNewContext(readFileSync(join(dir, 'data.js'), 'utf8'), sandbox);
  // the sandbox's objects have its own prototypes: compare them as JSON values
  const snapshot = JSON.parse(JSON.stringify(sandbox.GLOROT_SNAPSHOT)) as Record<string, unknown>;
  const store = openRunStore(out, { readonly: true });
  const tensors = store.histogramTensors('tiny');
  store.close();
  assert.deepEqual(tensors, ['activation', 'backprop_grad', 'backprop_grad.own_range', 'weight_grad', 'weight_grad.own_range']);
  const expected = ['/api/runs', '/api/job'];
  for (const id of ['empty', 'tiny']) {
    expected.push(`/api/runs/${id}`, `/api/runs/${id}/scalars`);
    for (const tensor of id === 'tiny' ? tensors : []) expected.push(`/api/runs/${id}/histograms?tensor=${tensor}`);
    expected.push(`/api/runs/${id}/evaluations`);
  }
  assert.deepEqual(Object.keys(snapshot), expected);
  const server = await startServer({ outDir: out, webDir: web });
  t.after(() => server.close());
  for (const path of expected) assert.deepEqual(snapshot[path], await getJson(server.url, path), path);
  assert.equal((snapshot['/api/runs/empty'] as { activation: string }).activation, '<img src=x onerror=alert(1)>', 'data, verbatim');
  // a symlink in the target leading out: refused, nothing written there
  const elsewhere = join(root, 'elsewhere');
  mkdirSync(elsewhere);
  const dir2 = join(root, 'snap2');
  mkdirSync(dir2);
  writeFileSync(join(dir2, 'data.js'), SNAPSHOT_HEADER); // an earlier snapshot: written over
  symlinkSync(elsewhere, join(dir2, 'assets'));
  assert.throws(() => exportSnapshot({ outDir: out, exportDir: dir2, webDir: web }), /refusing to write outside the snapshot directory/);
  assert.deepEqual(readdirSync(elsewhere), []);
  // without a built app: the placeholder page, which reads the snapshot
  const r3 = exportSnapshot({ outDir: out, exportDir: join(root, 'snap3'), webDir: join(root, 'no-web') });
  assert.equal(r3.webApp, false);
  assert.match(r3.webAppMissing ?? '', /web app is not built .*no-web.*npm run build/);
  assert.equal(r.webAppMissing, null);
  assert.match(readFileSync(join(root, 'snap3', 'index.html'), 'utf8'), /GLOROT_SNAPSHOT/);
});
