import { END, MemorySaver, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { IntentAlreadySetError, intentChannel, InvalidClaimError, reduceIntent } from "../../src/index.js";

const now = () => new Date("2026-03-01T09:00:00.000Z");

describe("the write-once intent", () => {
  it("stores the first intent, with constraints and a timestamp", () => {
    expect(reduceIntent(null, { text: "Plan the trip", constraints: ["under $2k"], setBy: "planner" }, { now })).toEqual({
      text: "Plan the trip",
      constraints: ["under $2k"],
      setBy: "planner",
      at: "2026-03-01T09:00:00.000Z",
    });
    expect(reduceIntent(null, "Plan the trip", { now })).toEqual({ text: "Plan the trip", constraints: [], at: "2026-03-01T09:00:00.000Z" });
  });

  it("accepts the same intent again as a no-op, so nodes that echo state stay legal", () => {
    const first = reduceIntent(null, { text: "Plan", setBy: "planner" }, { now });
    expect(reduceIntent(first, { text: "Plan", setBy: "writer" })).toBe(first);
    expect(reduceIntent(first, null)).toBe(first);
  });

  it("throws on a second, different intent, naming who set it and who tried", () => {
    const first = reduceIntent(null, { text: "Plan", setBy: "planner" }, { now });
    const error = (() => {
      try {
        reduceIntent(first, { text: "Book now", setBy: "booker" });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(IntentAlreadySetError);
    expect(error).toMatchObject({ code: "INTENT_ALREADY_SET", setBy: "planner", attemptedBy: "booker" });
    expect(() => reduceIntent(first, { text: "Plan", constraints: ["new constraint"] })).toThrow(/unnamed writer/);
  });

  it("rejects a malformed intent, naming the field", () => {
    expect(() => reduceIntent(null, { text: "" })).toThrow(InvalidClaimError);
    expect(() => reduceIntent(null, { text: "ok", by: "x" } as never)).toThrow(/field "by"/);
  });

  it("in a StateSchema graph, a node that rewrites the intent fails and the intent stands", async () => {
    const State = new StateSchema({ intent: intentChannel({ now }) });
    const graph = new StateGraph(State)
      .addNode("rogue", () => ({ intent: { text: "Something else", setBy: "rogue" } }))
      .addEdge(START, "rogue")
      .addEdge("rogue", END)
      .compile({ checkpointer: new MemorySaver() });
    const thread = { configurable: { thread_id: "t" } };
    await expect(graph.invoke({ intent: { text: "The task", setBy: "user" } }, thread)).rejects.toThrow(
      /set by node "user", and node "rogue" tried/,
    );
    const state = await graph.getState(thread);
    expect(state.values.intent).toMatchObject({ text: "The task", setBy: "user" });
    expect(state.next).toEqual(["rogue"]);
  });
});
