import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

interface SemverCheck {
  readonly name: string;
  readonly version: string;
  readonly required: string;
  readonly satisfies: boolean;
}

/** The folder of the @langchain/langgraph-api that `npm run studio`'s langgraph-cli loads. */
function langgraphApiDir(): string {
  const cli = dirname(createRequire(import.meta.url).resolve("@langchain/langgraph-cli/package.json"));
  for (const dir of [join(cli, "node_modules/@langchain/langgraph-api"), join(cli, "../langgraph-api")]) {
    if (existsSync(join(dir, "package.json"))) return dir;
  }
  throw new Error("@langchain/langgraph-api is not installed beside @langchain/langgraph-cli");
}

describe("npm run studio", () => {
  it("the dev server's own version check accepts the installed @langchain/core, langgraph and langgraph-checkpoint (so it prints no version warning)", async () => {
    // The server's checkSemver compares these against its peerDependencies (its checkLangGraphSemver
    // reads the versions with a JSON import that needs the server's loader, so they are read here).
    const { checkSemver } = (await import(pathToFileURL(join(langgraphApiDir(), "dist/semver/index.mjs")).href)) as {
      checkSemver: (packages: ReadonlyArray<{ name: string; version: string }>) => Promise<SemverCheck[]>;
    };
    const require = createRequire(import.meta.url);
    const names = ["@langchain/core", "@langchain/langgraph", "@langchain/langgraph-checkpoint"];
    const checks = await checkSemver(names.map((name) => ({ name, version: (require(`${name}/package.json`) as { version: string }).version })));
    expect(checks.map((c) => c.name).sort()).toEqual(["@langchain/core", "@langchain/langgraph", "@langchain/langgraph-checkpoint"]);
    expect(checks.filter((c) => !c.satisfies).map((c) => `${c.name}@${c.version} is outside ${c.required}`)).toEqual([]);
  });
});
