/**
 * What a consumer of the package is, written once: which peers every user has, which optional
 * peers a subpath's types need, and which TypeScript versions the consumer test compiles with.
 * The README's peer table says the same (the consumer test checks this list against tsc).
 */

/** Peers every LangGraph user already has; the package needs nothing else to type-check. */
export const REQUIRED_PEERS = ["@langchain/core", "@langchain/langgraph"] as const;

/** Subpaths whose declarations import an optional peer, and those peers. */
export const OPTIONAL_TYPE_PEERS: Readonly<Record<string, readonly string[]>> = {
  "./tracing": ["@opentelemetry/api", "@opentelemetry/sdk-trace-base"],
  "./breaker/middleware": ["langchain"],
  "./workers": ["bullmq"],
};

/**
 * The TypeScript versions a consumer compiles with: 5.9 and the current major (7, the `latest`
 * tag when this was written), installed side by side under these names.
 */
export const CONSUMER_TYPESCRIPT: Readonly<Record<string, string>> = {
  typescript: "5.9.3",
  "typescript-7": "npm:typescript@7.0.2",
};

/** The subpaths of an `exports` map that are code (not `./package.json`). */
export function publicSubpaths(exports: Record<string, unknown>): string[] {
  return Object.keys(exports).filter((s) => s !== "./package.json");
}

export { specifierOf } from "../support/subpaths.js";

/** The consumer's dependencies on `names`, at the versions this repository develops against. */
export function consumerDependencies(devDependencies: Record<string, string>, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const version = devDependencies[name];
    if (version === undefined) throw new Error(`${name} is not a devDependency of the package, so the consumer test has no version for it`);
    out[name] = version;
  }
  return out;
}
