// `npm run bench`: runs every bench/*.bench.ts (each exports `run()` that prints its figures),
// or only those whose file name contains one of the arguments (`npm run bench -- solver chain`).
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface BenchModule {
  run(): Promise<void>;
}

const dir = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error(`bench: no benchmark matches ${filters.join(', ') || '(none present)'}`);
  process.exit(1);
}
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const started = Date.now();
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as BenchModule;
  await mod.run();
  console.log(`(${file}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
