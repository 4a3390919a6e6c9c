/**
 * Attack: does a blocked attempt's deferred effect, its "scheduled" reply, or its compensated effect's result leak
 * into any client stream? docs/guard.md: nothing of a blocked attempt reaches any stream mode or streamEvents;
 * only the guard's audit trail (guardRecords, firebreak/bicr events) names it. docs/effects.md: deferred effects
 * run only after the attempt passes.
 */
import { AIMessage, ToolMessage } from "@langchain/core/messages";
import { dispatchCustomEvent } from "@langchain/core/callbacks/dispatch";
import type { RunnableConfig } from "@langchain/core/runnables";
import { END, MemorySaver, MessagesValue, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { claimsChannel } from "langgraph-firebreak";
import { guardNodeInPlace, guardRecordsChannel, readGuardFeedback } from "langgraph-firebreak/nodes";
import { World, compensateTool, deferTool, judge, tid } from "./harness.js";

const Msgs = new StateSchema({ messages: MessagesValue, claims: claimsChannel(), guardRecords: guardRecordsChannel() });

function build(world: World) {
  const publish = deferTool(world);
  const ticket = compensateTool(world);
  const producer = async (_s: unknown, config: RunnableConfig) => {
    const tag = readGuardFeedback(config) ? "GOODMARK" : "LEAKMARK";
    const opened = await ticket.invoke({ title: `${tag}-ticket` }, config);
    const scheduled = await publish.invoke({ text: `${tag}-report` }, config);
    await dispatchCustomEvent("attack/progress", { tag, scheduled }, config);
    (config as { writer?: (c: unknown) => void }).writer?.({ tag, scheduled });
    world.add(`producer ${tag} done`);
    const call = { id: `call_${tag}`, name: publish.name, args: { text: `${tag}-report` } };
    return {
      messages: [
        new AIMessage({ content: "", tool_calls: [call] }),
        new ToolMessage({ content: String(scheduled), tool_call_id: call.id }),
        new AIMessage(`published ${tag} ${JSON.stringify(opened)}`),
      ],
      claims: [{ text: `${tag === "LEAKMARK" ? "bad" : "fine"} ${tag}`, confidence: 0.9, origin: { agent: "researcher", source: "model" as const } }],
    };
  };
  const builder = new StateGraph(Msgs).addNode("researcher", producer).addEdge(START, "researcher").addEdge("researcher", END);
  guardNodeInPlace(builder, "researcher", { challenger: judge(), maxAttempts: 3 });
  return builder.compile({ checkpointer: new MemorySaver() });
}

/** Serializes a chunk, leaving out the guard's own audit trail (guardRecords and firebreak/bicr events). */
function leakText(chunk: unknown): string {
  const seen = new WeakSet();
  const text = JSON.stringify(chunk, (k, v: unknown) => {
    if (k === "guardRecords") return "[audit]";
    if (typeof v === "object" && v !== null) {
      if (seen.has(v)) return "[cycle]";
      seen.add(v);
      const named = v as { name?: unknown; event?: unknown };
      if (named.name === "firebreak/bicr") return "[bicr event]";
    }
    return typeof v === "function" ? "[fn]" : v;
  });
  return text ?? "";
}

const modes = ["values", "updates", "messages", "custom", "debug", "tasks", "checkpoints"] as const;

describe("no stream carries a blocked attempt's effects", () => {
  for (const subgraphs of [false, true]) {
    for (const mode of modes) {
      it(`streamMode ${mode}${subgraphs ? " with subgraphs" : ""}: nothing of attempt 1 leaks; the deferred effect runs after the pass only`, async () => {
        const world = new World();
        const graph = build(world);
        const texts: string[] = [];
        const stream = await graph.stream({}, { configurable: { thread_id: tid(`s-${mode}`) }, streamMode: mode, subgraphs });
        for await (const chunk of stream) texts.push(leakText(chunk));
        const all = texts.join("\n");
        expect(all).not.toContain("LEAKMARK");
        expect(all).not.toMatch(/researcher:1:/); // attempt 1's idempotency keys (in its "scheduled" reply)
        expect(world.log.filter((l) => l.startsWith("run "))).toEqual(["run GOODMARK-report"]);
        expect(world.log.indexOf("run GOODMARK-report")).toBeGreaterThan(world.log.indexOf("producer GOODMARK done"));
        if (["values", "updates", "messages", "custom"].includes(mode)) expect(all).toContain("GOODMARK"); // the detector sees content
      });
    }
  }

  it("streamEvents v2: nothing of attempt 1 leaks outside firebreak/bicr events", async () => {
    const world = new World();
    const graph = build(world);
    const texts: string[] = [];
    let bicrEffectEvents = 0;
    for await (const ev of graph.streamEvents({}, { configurable: { thread_id: tid("events") }, version: "v2" })) {
      if (ev.name === "firebreak/bicr") {
        if ((ev.data as { stage?: string }).stage === "effect") bicrEffectEvents++;
        continue;
      }
      texts.push(leakText(ev));
    }
    const all = texts.join("\n");
    expect(all).not.toContain("LEAKMARK");
    expect(all).not.toMatch(/researcher:1:/);
    expect(all).toContain("GOODMARK");
    expect(bicrEffectEvents).toBeGreaterThan(0);
    expect(world.log.filter((l) => l.startsWith("run "))).toEqual(["run GOODMARK-report"]);
  });

  it("the guard's onStage listener sees each effect's status change, in order, per key", async () => {
    const world = new World();
    const publish = deferTool(world);
    const ticket = compensateTool(world);
    const builder = new StateGraph(Msgs)
      .addNode("researcher", async (_s: unknown, config: RunnableConfig) => {
        const ok = readGuardFeedback(config) !== undefined;
        await ticket.invoke({ title: "t" }, config);
        await publish.invoke({ text: "p" }, config);
        return { claims: [{ text: ok ? "fine" : "bad", confidence: 0.9, origin: { agent: "researcher", source: "model" as const } }] };
      })
      .addEdge(START, "researcher").addEdge("researcher", END);
    guardNodeInPlace(builder, "researcher", { challenger: judge(), maxAttempts: 3 });
    const { guardOf } = await import("langgraph-firebreak/nodes");
    const byKey = new Map<string, string[]>();
    guardOf(builder, "researcher")!.onStage((e) => {
      if (e.stage !== "effect") return;
      const id = `${String(e["attempt"])}:${String(e["mode"])}:${String(e["key"])}`;
      byKey.set(id, [...(byKey.get(id) ?? []), String(e["effect"])]);
    });
    await builder.compile().invoke({});
    const lines = [...byKey.entries()].map(([k, v]) => `${k.split(":").slice(0, 2).join(":")} ${v.join(">")}`).sort();
    expect(lines).toEqual([
      "1:compensate applied>compensated", "1:defer deferred>dropped",
      "2:compensate applied>kept", "2:defer deferred>pending>executed",
    ]);
  });
});
