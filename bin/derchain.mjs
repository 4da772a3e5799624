#!/usr/bin/env node
// Launcher for the derchain CLI: registers the TypeScript loader (tsx) and runs cli/main.ts.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
