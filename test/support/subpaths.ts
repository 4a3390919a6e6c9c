/**
 * The package's subpaths, written once: `package.json` `exports` is the list, and every other
 * place that maps a subpath to a folder (the vitest aliases, the tsconfig paths, the layout
 * test's entries) derives from it by one rule: the built file `./dist/X.js` is built from the
 * source file `./X.ts`. `test/package/subpaths.test.ts` fails when a place disagrees.
 */

/** One code subpath of the package. */
export interface Subpath {
  /** The key in `exports`: `"."`, `"./nodes"`, `"./breaker/middleware"`. */
  readonly subpath: string;
  /** What a user imports: `"langgraph-firebreak"`, `"langgraph-firebreak/nodes"`. */
  readonly specifier: string;
  /** The built entry in `exports[subpath].import`: `"./dist/nodes/index.js"`. */
  readonly built: string;
  /** The source file it is built from, relative to the package root: `"./nodes/index.ts"`. */
  readonly source: string;
}

const BUILT = /^\.\/dist\/(.+)\.js$/;

/** `"./dist/X.js"` → `"./X.ts"`; throws on any other shape, naming the subpath. */
export function sourceOfBuilt(built: string, subpath = "?"): string {
  const match = BUILT.exec(built);
  if (!match) {
    throw new Error(
      `package.json exports["${subpath}"].import is "${built}", which does not match ./dist/<path>.js; ` +
        `write the built entry as ./dist/<source path without .ts>.js so the source can be derived from it`,
    );
  }
  return `./${match[1]}.ts`;
}

/** `"./nodes"` → `"langgraph-firebreak/nodes"`, `"."` → `"langgraph-firebreak"`. */
export function specifierOf(name: string, subpath: string): string {
  return subpath === "." ? name : `${name}/${subpath.slice(2)}`;
}

/** The code subpaths of a manifest (every `exports` key but `./package.json`), in its order. */
export function subpathsOf(manifest: { name: string; exports: Record<string, unknown> }): Subpath[] {
  const out: Subpath[] = [];
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (subpath === "./package.json") continue;
    const built = typeof target === "object" && target !== null ? (target as { import?: unknown }).import : undefined;
    if (typeof built !== "string") {
      throw new Error(`package.json exports["${subpath}"] has no "import" string; give it { "types", "import" } entries`);
    }
    out.push({ subpath, specifier: specifierOf(manifest.name, subpath), built, source: sourceOfBuilt(built, subpath) });
  }
  return out;
}

/** A regular expression matching exactly `text`. */
export function exactly(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`);
}
