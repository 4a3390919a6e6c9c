import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { runTsChild } from "../support/child-process.js";

/**
 * The snippets of the README and of the reference pages in docs/ are the files in
 * examples/readme/, quoted verbatim. Each is run here and its output compared with the
 * `// → <output>` comments it carries, so no page shows code that does not work.
 */
const dir = "examples/readme";
const readme = readFileSync("README.md", "utf8");
const pages = [readme, ...readdirSync("docs").filter((f) => f.endsWith(".md")).map((f) => readFileSync(join("docs", f), "utf8"))];
const snippets = readdirSync(dir).filter((f) => f.endsWith(".ts")).sort();

/** Expected output lines: the text after `// → ` up to two spaces (an explanation may follow). */
function expectedLines(source: string): string[] {
  return source
    .split("\n")
    .map((line) => /\/\/ → (.*?)(?: {2}.*)?$/.exec(line)?.[1])
    .filter((x): x is string => x !== undefined);
}

/** Runs a snippet with `node --import tsx`, offline (no OpenAI key). */
function run(file: string): Promise<{ code: number | null; out: string; err: string }> {
  return runTsChild(file, { OPENAI_API_KEY: "" }).exited.then(({ code, stdout, stderr }) => ({ code, out: stdout, err: stderr }));
}

describe("README snippets", () => {
  it("there are snippets, and the README or a docs page quotes every one of them verbatim", () => {
    expect(snippets.length).toBeGreaterThan(1);
    for (const file of snippets) {
      const source = readFileSync(join(dir, file), "utf8").trimEnd();
      const block = "```ts\n" + source + "\n```";
      expect(pages.some((page) => page.includes(block)), `README.md or a docs/*.md page must quote ${dir}/${file} in a ts block`).toBe(true);
    }
  });

  it("the README front door stays short (issue 17: at most 15 KB)", () => {
    expect(Buffer.byteLength(readme, "utf8")).toBeLessThanOrEqual(15_000);
  });

  it.each(snippets)("%s runs and prints what its comments promise", async (file) => {
    const source = readFileSync(join(dir, file), "utf8");
    const expected = expectedLines(source);
    expect(expected.length).toBeGreaterThan(0);
    const { code, out, err } = await run(join(dir, file));
    // The embedded default says once, on stderr, where it writes (when no DATABASE_URL is set).
    expect(err.replace(/npm warn.*\n/g, "").replace(/^langgraph-firebreak: no DATABASE_URL or url given;.*\n/m, "")).toBe("");
    expect(code).toBe(0);
    const lines = out.trimEnd().split("\n");
    let cursor = 0;
    for (const want of expected) {
      const found = lines.findIndex((line, i) => i >= cursor && line.trimEnd() === want.trimEnd());
      expect(found, `${file}: expected a line "${want}" after line ${cursor} in:\n${out}`).toBeGreaterThanOrEqual(0);
      cursor = found + 1;
    }
    // The chaos snippet runs a seeded 20-trial campaign: seconds on a quiet machine, up to a minute on a loaded one.
  }, 180_000);
});
