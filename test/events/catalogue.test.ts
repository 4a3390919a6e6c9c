/**
 * The event catalogue lists exactly the names the pack emits: every emit call in the source
 * is read (the short name given to emitFirebreakEvent / withFirebreakRun, and the constants
 * handed to handleCustomEvent), and the graph run below sees the guard's and challenger's
 * names on `streamMode: "custom"`.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BICR_EVENT } from "../../nodes/index.js";
import { REJECTED_EVENT } from "../../src/breaker/chat-model.js";
import { FIREBREAK_EVENTS, FirebreakEvents } from "../../src/index.js";
import { guardedGraph, scriptedProducer, TRUE_TURN } from "../guard/support/parent-graph.js";
import { judgeAgainst } from "../guard/support/judges.js";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** Every event name an emit call in the package's source names. */
function emittedInSource(): Set<string> {
  const names = new Set<string>();
  for (const file of ["src", "nodes", "checkpointers"].flatMap(sources)) {
    if (file.endsWith(join("internal", "events.ts"))) continue; // the helpers themselves
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:emitFirebreakEvent|withFirebreakRun)\(\s*"([^"]+)"/g)) names.add(`firebreak/${m[1]}`);
    for (const m of text.matchAll(/(?:emitFirebreakEvent|withFirebreakRun)\(\s*([A-Za-z_][\w.]*)/g)) names.add(`identifier:${m[1]}`);
    for (const m of text.matchAll(/handleCustomEvent\(\s*([A-Z_]+|"[^"]+")/g)) names.add(m[1]!.startsWith('"') ? m[1]!.slice(1, -1) : `constant:${m[1]}`);
  }
  return names;
}

describe("event catalogue", () => {
  it("equals the set of names the source emits (no declared name goes unemitted, no emitted name is undeclared)", () => {
    const found = emittedInSource();
    // Named through constants: resolve them to their values.
    const constants: Record<string, string> = { "constant:REJECTED_EVENT": REJECTED_EVENT };
    const resolved = new Set([...found].map((n) => constants[n] ?? n));
    expect([...resolved].filter((n) => n.startsWith("identifier:") || n.startsWith("constant:"))).toEqual([]);
    expect([...resolved].sort()).toEqual([...FIREBREAK_EVENTS].sort());
  });

  it("exports each name once, prefixed firebreak/, and the older constants agree with it", () => {
    expect(new Set(FIREBREAK_EVENTS).size).toBe(FIREBREAK_EVENTS.length);
    for (const name of FIREBREAK_EVENTS) expect(name).toMatch(/^firebreak\/[a-z-]+$/);
    expect(BICR_EVENT).toBe(FirebreakEvents.bicr);
    expect(REJECTED_EVENT).toBe(FirebreakEvents.breakerRejected);
  });

  it("a guarded run streams only catalogue names (the guard reports each stage as firebreak/bicr)", async () => {
    const { producer } = scriptedProducer([TRUE_TURN]);
    const graph = guardedGraph(producer, judgeAgainst("0.52")).compile();
    const names = new Set<string>();
    for await (const chunk of await graph.stream({ task: "compute 0.85^5", messages: [] }, { streamMode: "custom" })) {
      names.add((chunk as { name: string }).name);
    }
    expect([...names]).toEqual([FirebreakEvents.bicr]);
    for (const n of names) expect(FIREBREAK_EVENTS).toContain(n);
  });
});
