/**
 * The system Python and Debian's modules the interop tests use (python3-numpy, python3-pandas,
 * python3-torch: test tools, never dependencies). A test skips, saying why, when its module is
 * missing — except under GLOROT_REQUIRE_PYTHON=1 (CI: .ci/run installs the three and sets it), where
 * a missing module is one failing test naming the package, so the round trips cannot skip there
 * unseen (as GLOROT_REQUIRE_NATIVE does for the native addon).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/** Debian's Python: the one whose python3-* packages CI installs (a pyenv or venv python3 earlier on PATH may lack them). */
export const PYTHON = '/usr/bin/python3';

/** Whether CI asked for every Python test to run. */
const REQUIRED = process.env['GLOROT_REQUIRE_PYTHON'] === '1';

/**
 * Whether tests needing `module` can run: false when `PYTHON` imports it, else the reason to skip.
 * Under GLOROT_REQUIRE_PYTHON=1 a missing module also adds a failing test naming `pkg`.
 * @param module what `import` is given, e.g. `torch`.
 * @param pkg the Debian package holding it, e.g. `python3-torch`.
 */
export function skipUnlessPython(module: string, pkg: string): string | false {
  const r = spawnSync(PYTHON, ['-c', `import ${module}`], { encoding: 'utf8' });
  if (r.status === 0) return false;
  const why = `${PYTHON} cannot import ${module} (apt-get install -y ${pkg}; .ci/run installs it): ${r.stderr?.trim().split('\n').at(-1) || r.error?.message}`;
  if (REQUIRED) {
    test(`${pkg} is installed (GLOROT_REQUIRE_PYTHON=1)`, () => {
      assert.fail(`GLOROT_REQUIRE_PYTHON=1 but ${why}`);
    });
  }
  return why;
}
