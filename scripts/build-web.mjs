#!/usr/bin/env node
// Builds the dashboard's web app (web/ → build/web/) with Vite; run by scripts/build.mjs.
import { build } from 'vite';

try {
  await build({ configFile: new URL('../web/vite.config.ts', import.meta.url).pathname });
  console.log('glorot build: dashboard web app → build/web/');
} catch (e) {
  console.error(`glorot build: the dashboard web app failed to build: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
