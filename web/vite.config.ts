/**
 * Builds web/ into build/web/ (run by scripts/build.mjs during `npm ci`). The output is one classic
 * script and one stylesheet with relative URLs, so the same files work served by `glorot serve` and
 * opened from disk (file:// refuses module scripts): the bundle is an IIFE and the page's
 * `type="module"` / `crossorigin` attributes are rewritten to a plain deferred script.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Rewrites the built page's module script into a classic deferred one (file:// loads it). */
function classicScript(): Plugin {
  return {
    name: 'glorot-classic-script',
    apply: 'build',
    enforce: 'post',
    transformIndexHtml(html) {
      return html
        .replace(/<script type="module" crossorigin src=/g, '<script defer src=')
        .replace(/<link rel="stylesheet" crossorigin href=/g, '<link rel="stylesheet" href=');
    },
  };
}

export default defineConfig({
  root,
  base: './',
  logLevel: 'warn',
  plugins: [classicScript()],
  build: {
    outDir: fileURLToPath(new URL('../build/web', import.meta.url)),
    emptyOutDir: true,
    modulePreload: false,
    target: 'es2022',
    minify: process.env['GLOROT_WEB_MINIFY'] !== '0',
    rolldownOptions: { output: { format: 'iife', codeSplitting: false } },
  },
});
