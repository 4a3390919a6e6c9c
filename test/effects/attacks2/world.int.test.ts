/**
 * The repeated-id promise against the real World of ../support (a PostgreSQL table keyed by the idempotency key and
 * a loopback HTTP endpoint that counts requests), with the client's custom stream listing every effect:
 * concurrent same-id calls, a producer retry, blocked then passing.
 */
import { describe, expect, it } from "vitest";
import { readGuardFeedback } from "langgraph-firebreak/nodes";
import { claim, guardedGraph } from "../attacks/harness.js";
import { publishTool, ticketTool } from "../support/tools.js";
import { useWorld } from "../support/world.js";
import { call, entries } from "./kit.js";

const world = useWorld();

/** Runs the graph with streamMode "custom"; returns the effect events (`<toolCallId> <effect>`) and the last values. */
async function streamEffects(graph: ReturnType<typeof guardedGraph>["graph"]) {
  const seen: string[] = [];
  for await (const chunk of await graph.stream({}, { streamMode: "custom" })) {
    const { name, data } = chunk as { name: string; data: Record<string, unknown> };
    if (name === "firebreak/bicr" && data["stage"] === "effect") seen.push(`${String(data["attempt"])}:${String(data["toolCallId"])} ${String(data["effect"])}`);
  }
  return seen;
}

describe("repeated ids on a real table and endpoint", () => {
  it("blocked then passing, three concurrent same-id tickets and reports per attempt: 3 tickets closed, 3 open, 3 rows, each event in the stream", async () => {
    const publish = publishTool(world.table);
    const ticket = ticketTool(world.endpoint.url);
    const before = { post: world.endpoint.count("POST"), rows: (await world.table.rows()).length };
    const { graph } = guardedGraph(async (_s, config) => {
      const n = (readGuardFeedback(config)?.attempt ?? 0) + 1;
      await Promise.all([1, 2, 3].map((i) => ticket.invoke(call(ticket.name, { title: `t${n}.${i}` }, "call_0") as never, config)));
      await Promise.all([1, 2, 3].map((i) => publish.invoke(call(publish.name, { text: `r${n}.${i}` }, "call_0") as never, config)));
      return claim(n === 1 ? "bad" : "fine");
    });
    const events = await streamEffects(graph);
    expect(world.endpoint.count("POST") - before.post).toBe(6);
    expect([...world.endpoint.open.values()].filter((b) => b.startsWith("t")).sort()).toEqual(["t2.1", "t2.2", "t2.3"]);
    const rows = (await world.table.rows()).slice(before.rows).map((r) => r.body).sort();
    expect(rows).toEqual(["r2.1", "r2.2", "r2.3"]);
    const idsOf = (n: number) => ["call_0", "call_0#2", "call_0#3", "call_0#4", "call_0#5", "call_0#6"].map((id) => `${n}:${id}`);
    for (const id of idsOf(1).slice(0, 3)) expect(events.filter((e) => e.startsWith(`${id} `)).map((e) => e.split(" ")[1])).toEqual(["applied", "compensated"]);
    for (const id of idsOf(1).slice(3)) expect(events.filter((e) => e.startsWith(`${id} `)).map((e) => e.split(" ")[1])).toEqual(["deferred", "dropped"]);
    for (const id of idsOf(2).slice(3)) expect(events.filter((e) => e.startsWith(`${id} `)).map((e) => e.split(" ")[1])).toEqual(["deferred", "pending", "executed"]);
  });

  it("a producer retry after concurrent same-id tickets: the endpoint sees the same three keys again and ends with exactly three open", async () => {
    const ticket = ticketTool(world.endpoint.url);
    let failed = false;
    const { graph } = guardedGraph(async (_s, config) => {
      await Promise.all(["a", "b", "c"].map((t) => ticket.invoke(call(ticket.name, { title: `retry-${t}` }, "call_7") as never, config)));
      if (!failed) { failed = true; throw new Error("transient"); }
      return claim("fine");
    }, { producerRetryPolicy: { maxAttempts: 2, initialInterval: 1, jitter: false } });
    const start = world.endpoint.seen.length;
    const out = await graph.invoke({});
    const posts = world.endpoint.seen.slice(start).filter((s) => s.method === "POST");
    expect(posts.length).toBe(6);
    expect(new Set(posts.map((p) => `${p.key}=${p.body}`)).size).toBe(3); // same key for the same title both times
    expect([...world.endpoint.open.values()].filter((b) => b.startsWith("retry-")).sort()).toEqual(["retry-a", "retry-b", "retry-c"]);
    expect(entries(out.guardRecords).map((e) => `${e.toolCallId}:${e.status}`)).toEqual(["call_7:kept", "call_7#2:kept", "call_7#3:kept"]);
  });
});
