import { Annotation, END, MemorySaver, START, StateGraph, type Checkpoint, type CheckpointMetadata } from "@langchain/langgraph";
import type { RunnableConfig } from "@langchain/core/runnables";
import { describe, expect, it } from "vitest";
import { positionOf } from "../../src/workers/run-job.js";

/** A saver whose checkpoint writes fail from step `failFrom` on: a process dying between a step's writes and its checkpoint. */
class DyingSaver extends MemorySaver {
  constructor(private readonly failFrom: number) {
    super();
  }
  override async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata) {
    if ((metadata.step ?? -1) >= this.failFrom) throw new Error("process died before the checkpoint");
    return super.put(config, checkpoint, metadata);
  }
}

describe("positionOf", () => {
  it("counts a task whose writes were saved but whose step has no checkpoint yet as pending (getState().next leaves it out)", async () => {
    const saver = new DyingSaver(1);
    const State = Annotation.Root({ log: Annotation<string[]>({ reducer: (a, b) => [...a, ...b], default: () => [] }) });
    const graph = new StateGraph(State)
      .addNode("plan", () => ({ log: ["plan"] }))
      .addNode("write", () => ({ log: ["write"] }))
      .addEdge(START, "plan")
      .addEdge("plan", "write")
      .addEdge("write", END)
      .compile({ checkpointer: saver });
    const config = { configurable: { thread_id: "dying" }, durability: "sync" as const };
    await expect(graph.invoke({ log: [] }, config)).rejects.toThrow(/process died/);
    const snapshot = await graph.getState(config);
    expect(snapshot.next).toEqual([]); // what made a taken-over job report such a thread as done
    expect(positionOf(snapshot, undefined)).toMatchObject({ pending: 1, interrupts: 0, gatedBefore: false });
  });
});
