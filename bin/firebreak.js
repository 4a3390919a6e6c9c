#!/usr/bin/env node
// The `firebreak` command. In a source checkout it runs src/cli/main.ts through tsx's API
// (tsx is a runtime dependency); in an installed package it runs the build.
import { existsSync } from "node:fs";

const source = new URL("../src/cli/main.ts", import.meta.url);
const built = new URL("../dist/src/cli/main.js", import.meta.url);

if (existsSync(source)) {
  const { tsImport } = await import("tsx/esm/api");
  await tsImport(source.href, import.meta.url);
} else if (existsSync(built)) {
  await import(built.href);
} else {
  process.stderr.write("firebreak: the CLI is not built; run `npm run build` first.\n");
  process.exit(2);
}
