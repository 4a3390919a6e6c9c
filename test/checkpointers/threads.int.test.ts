import type { StateSnapshot } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assertThreadExists,
  type Checkpointer,
  durableConfig,
  isCheckpointerError,
  rollbackTo,
} from "../../checkpointers/index.js";
import { checkpointerBackends, uniqueName } from "../support/backends.js";
import { linearGraph } from "../support/graphs.js";
import { isInvalidOptionsError } from "../../src/errors.js";

async function history(graph: { getStateHistory: (c: ReturnType<typeof durableConfig>) => AsyncIterableIterator<StateSnapshot> }, threadId: string) {
  const out: StateSnapshot[] = [];
  for await (const s of graph.getStateHistory(durableConfig(threadId))) out.push(s);
  return out;
}

const idOf = (s: StateSnapshot) => s.config.configurable?.["checkpoint_id"] as string;

describe.each(checkpointerBackends())("threads on $name", (backend) => {
  let cp: Checkpointer;
  beforeAll(async () => {
    cp = await backend.create();
  });
  afterAll(() => cp?.close());

  const compile = (opts: { interruptBefore?: string[] } = {}) =>
    linearGraph(6).compile({ checkpointer: cp.saver, ...opts });

  describe("human in the loop", () => {
    it("pauses before the writer, takes an edit with updateState and finishes with the edited value", async () => {
      const graph = compile({ interruptBefore: ["writer"] });
      const config = durableConfig(uniqueName("hitl"));
      const paused = await graph.invoke({ log: [] }, config);
      expect(paused.log).toEqual(["n1", "n2", "n3", "n4", "n5"]);
      expect((await graph.getState(config)).next).toEqual(["writer"]);

      await graph.updateState(config, { draft: "edited by a human" });
      // A fresh compiled graph on the same saver: nothing is carried in memory.
      const done = await compile({ interruptBefore: ["writer"] }).invoke(null, config);
      expect(done.log.at(-1)).toBe("published: edited by a human");
      expect((await graph.getState(config)).next).toEqual([]);
    });
  });

  describe("assertThreadExists", () => {
    it("returns the latest snapshot of a paused thread", async () => {
      const graph = compile({ interruptBefore: ["writer"] });
      const config = durableConfig(uniqueName("exists"));
      await graph.invoke({ log: [] }, config);
      const snapshot = await assertThreadExists(graph, config);
      expect(snapshot.next).toEqual(["writer"]);
    });

    it("throws THREAD_NOT_FOUND naming the thread when it has no checkpoint", async () => {
      const threadId = uniqueName("missing");
      const error = await assertThreadExists(compile(), durableConfig(threadId)).catch((e: unknown) => e);
      expect(isCheckpointerError(error, "THREAD_NOT_FOUND")).toBe(true);
      expect((error as Error).message).toContain(`Thread "${threadId}"`);
      expect((error as Error).message).toMatch(/check the thread id/i);
    });

    it("throws an InvalidOptionsError (not a checkpointer error) when the config has no thread id", async () => {
      const error = await assertThreadExists(compile(), {}).catch((e: unknown) => e);
      expect(isInvalidOptionsError(error)).toBe(true);
      expect(isCheckpointerError(error)).toBe(false);
    });
  });

  describe("rollbackTo", () => {
    const graph = () => compile();

    /** Runs a fresh thread to the end; returns its id and its history (newest first). */
    async function finishedThread() {
      const threadId = uniqueName("rollback");
      await graph().invoke({ log: [] }, durableConfig(threadId));
      return { threadId, before: await history(graph(), threadId) };
    }

    /** Every checkpoint that existed before is still there, readable, with the same values. */
    async function expectEarlierHistoryIntact(threadId: string, before: StateSnapshot[]) {
      const after = new Map((await history(graph(), threadId)).map((s) => [idOf(s), s]));
      expect(after.size).toBeGreaterThan(before.length);
      for (const old of before) {
        expect(after.get(idOf(old))?.values).toEqual(old.values);
        expect(after.get(idOf(old))?.next).toEqual(old.next);
        expect((await graph().getState(old.config)).values).toEqual(old.values);
      }
    }

    it("forks from the latest checkpoint before a node and re-runs from there", async () => {
      const { threadId, before } = await finishedThread();
      const result = await rollbackTo(graph(), durableConfig(threadId), { beforeNode: "n3" });
      expect(result.target.next).toEqual(["n3"]);
      const head = await graph().getState(durableConfig(threadId));
      expect(head.next).toEqual(["n3"]);
      expect(head.values.log).toEqual(["n1", "n2"]);
      expect(head.metadata?.source).toBe("fork");
      expect(idOf(head)).toBe(result.config.configurable?.["checkpoint_id"]);

      const done = await graph().invoke(null, durableConfig(threadId));
      expect(done.log).toEqual(["n1", "n2", "n3", "n4", "n5", "published: first draft"]);
      await expectEarlierHistoryIntact(threadId, before);
    });

    it("forks from a step number", async () => {
      const { threadId, before } = await finishedThread();
      const result = await rollbackTo(graph(), durableConfig(threadId), { step: 4 });
      expect(result.target.metadata?.step).toBe(4);
      const head = await graph().getState(durableConfig(threadId));
      expect(head.values.log).toEqual(["n1", "n2", "n3", "n4"]);
      expect(head.next).toEqual(["n5"]);
      await graph().invoke(null, durableConfig(threadId));
      await expectEarlierHistoryIntact(threadId, before);
    });

    it("forks from a checkpoint id and lets the caller edit the fork before resuming", async () => {
      const { threadId, before } = await finishedThread();
      const target = before.find((s) => s.next.includes("writer"))!;
      const result = await rollbackTo(graph(), durableConfig(threadId), { checkpointId: idOf(target) });
      expect(idOf(result.target)).toBe(idOf(target));
      await graph().updateState(result.config, { draft: "second draft" });
      const done = await graph().invoke(null, durableConfig(threadId));
      expect(done.log.at(-1)).toBe("published: second draft");
      await expectEarlierHistoryIntact(threadId, before);
    });

    it("keeps each fork's own values when two forks of one checkpoint run the same steps", async () => {
      const { threadId } = await finishedThread();
      const published: Array<string | undefined> = [];
      for (const draft of ["draft A", "draft B"]) {
        const { config } = await rollbackTo(graph(), durableConfig(threadId), { step: 1 });
        await graph().updateState(config, { draft });
        const done = await graph().invoke(null, durableConfig(threadId));
        published.push(done.log.at(-1));
      }
      expect(published).toEqual(["published: draft A", "published: draft B"]);
      // Re-read both branches afterwards: each still holds its own draft (with integer
      // channel versions the second branch's blobs collided with the first's and were dropped).
      const finals: string[] = [];
      for await (const s of graph().getStateHistory(durableConfig(threadId))) {
        if (s.next.length === 0 && s.metadata?.source === "loop") finals.push(s.values.log.at(-1));
      }
      expect(finals.slice(0, 3)).toEqual(["published: draft B", "published: draft A", "published: first draft"]);
    });

    it("forks from the newest snapshot a predicate accepts", async () => {
      const { threadId } = await finishedThread();
      const result = await rollbackTo(graph(), durableConfig(threadId), (s) => s.values.log?.length === 2);
      expect(result.target.values.log).toEqual(["n1", "n2"]);
      expect(result.target.next).toEqual(["n3"]);
    });

    it("throws CHECKPOINT_NOT_FOUND naming the thread and the target when nothing matches", async () => {
      const { threadId } = await finishedThread();
      const error = await rollbackTo(graph(), durableConfig(threadId), { beforeNode: "reviewer" }).catch((e: unknown) => e);
      expect(isCheckpointerError(error, "CHECKPOINT_NOT_FOUND")).toBe(true);
      expect((error as Error).message).toContain(`thread "${threadId}"`);
      expect((error as Error).message).toContain(`before node "reviewer"`);

      const missing = uniqueName("nothing");
      const empty = await rollbackTo(graph(), durableConfig(missing), { step: 1 }).catch((e: unknown) => e);
      expect(isCheckpointerError(empty, "CHECKPOINT_NOT_FOUND")).toBe(true);
      expect((empty as Error).message).toContain(`thread "${missing}" has no checkpoints`);
    });
  });

  describe("concurrency", () => {
    it("runs several threads in parallel to completion", async () => {
      const graph = compile();
      const ids = Array.from({ length: 6 }, () => uniqueName("parallel"));
      const results = await Promise.all(ids.map((id) => graph.invoke({ log: [] }, durableConfig(id))));
      for (const r of results) expect(r.log).toEqual(["n1", "n2", "n3", "n4", "n5", "published: first draft"]);
      for (const id of ids) expect((await graph.getState(durableConfig(id))).next).toEqual([]);
    });
  });
});
