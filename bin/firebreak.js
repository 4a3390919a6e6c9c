#!/usr/bin/env node
// The `firebreak` command. In a source checkout (it has tsconfig.json, which the package does not
// ship) it runs src/cli/main.ts through tsx's API (a dev dependency there); in an installed package
// it runs the build, so neither tsx nor any other build tool is needed at run time.
import { existsSync } from "node:fs";

const checkout = new URL("../tsconfig.json", import.meta.url);
const source = new URL("../src/cli/main.ts", import.meta.url);
const built = new URL("../dist/src/cli/main.js", import.meta.url);

if (existsSync(checkout) && existsSync(source)) {
  const { tsImport } = await import("tsx/esm/api");
  await tsImport(source.href, import.meta.url);
} else if (existsSync(built)) {
  await import(built.href);
} else {
  process.stderr.write("firebreak: the CLI is not built; run `npm run build` first.\n");
  process.exit(2);
}
