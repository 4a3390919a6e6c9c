/**
 * `npm run bench [-- name…]`: runs every `bench/*.bench.ts` (or those whose file name
 * contains one of the given names), each in its own process so one benchmark's warm-up
 * or connections never colour another's figures.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => filters.length === 0 || filters.some((name) => f.includes(name)))
  .sort();

if (files.length === 0) {
  console.error(`No benchmark matched ${JSON.stringify(filters)} in ${here}.`);
  process.exit(1);
}

let failed = 0;
for (const file of files) {
  console.log(`\n# ${file}`);
  const result = spawnSync(process.execPath, ["--import", "tsx", join(here, file)], {
    stdio: "inherit",
    env: process.env,
  });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
