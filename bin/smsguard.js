#!/usr/bin/env node
// The `smsguard` command. TypeScript sources run through tsx's loader so that a fresh clone needs no build step.
import { register } from 'tsx/esm/api';
register();
await import('../src/main.ts');
