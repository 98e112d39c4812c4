#!/usr/bin/env node
// The `glorot` command. The sources are TypeScript run through tsx (a pinned dependency), so the
// installed command always runs the code in src/ with no separate compile step.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
