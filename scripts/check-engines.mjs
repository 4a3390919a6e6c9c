// Usage: node scripts/check-engines.mjs
// Fails (exit 1) when a package installed in node_modules declares an `engines.node` range that
// excludes the Node.js running this script: what npm would print as EBADENGINE. CI runs it under
// the lowest and the highest supported Node.js, so neither end installs a package outside its range.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const semver = createRequire(join(root, "package.json"))("semver");
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));

const outside = [];
let checked = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  const range = entry.engines?.node;
  // Platform packages for other machines are in the lock but not installed: npm skips them too.
  if (typeof range !== "string" || !existsSync(join(root, path, "package.json"))) continue;
  checked++;
  if (!semver.satisfies(process.version, range, { includePrerelease: true })) {
    outside.push(`${path.replace(/^node_modules\//, "") || "(this package)"} wants node ${range}`);
  }
}
if (outside.length > 0) {
  console.error(`Node.js ${process.version} is outside the engines range of ${outside.length} installed package(s):`);
  for (const line of outside) console.error(`  ${line}`);
  process.exit(1);
}
console.log(`engines: all ${checked} installed packages that declare engines.node accept Node.js ${process.version}`);
