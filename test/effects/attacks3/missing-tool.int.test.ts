/**
 * Attack on docs/errors.md (`EFFECT_FAILED`): "no `effectTool` of its name exists in this process" is an
 * EffectFailedError naming guard, tool, key and tool call; the effect stays pending, and once the tool
 * exists the resume runs it with the same key. A child (attacks2/fixtures/restart-child.ts) is SIGKILLed
 * between the commit and the deferred run on PostgreSQL; this process resumes the thread without the tool,
 * then with it. Scripted judge stands in for a model.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { END, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { afterAll, expect, it } from "vitest";
import { z } from "zod";
import { createCheckpointer, durableConfig } from "../../../checkpointers/index.js";
import { createChallenger, guardNodeInPlace, guardRecordsChannel } from "../../../nodes/index.js";
import { claimsChannel, effectTool, isEffectFailedError, type EffectFailedError } from "../../../src/index.js";
import { scriptedJudge } from "../../../src/testing/index.js";
import { dropSchema, uniqueName } from "../../support/backends.js";
import { runTsChild, waitForLine } from "../../support/child-process.js";
import { PG_URL, Table } from "../support/world.js";

const fixture = fileURLToPath(new URL("../attacks2/fixtures/restart-child.ts", import.meta.url));
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => { for (const c of cleanup.reverse()) await c(); });

/** The child's graph, rebuilt here; its producer and judge must never run on the resume. */
function sameGraph(saver: Parameters<StateGraph<never>["compile"]>[0]) {
  const State = new StateSchema({ claims: claimsChannel(), guardRecords: guardRecordsChannel() });
  const producer = () => { throw new Error("the producer ran again on the resume"); };
  const builder = new StateGraph(State).addNode("researcher", producer).addEdge(START, "researcher").addEdge("researcher", END);
  // Scripted judge (never consulted here: the attempt passed in the child).
  guardNodeInPlace(builder, "researcher", { challenger: createChallenger({ model: scriptedJudge(() => "green") }), maxAttempts: 3, onExhausted: "fail" });
  return builder.compile(saver);
}

it("killed before the deferred run; resumed in a process without the tool: EffectFailedError naming it, pending; resumed with it: runs once, same key", async () => {
  const dir = mkdtempSync(join(tmpdir(), "fb-attack3-"));
  const schema = uniqueName("fbatk3");
  const table = await new Table().create();
  cleanup.push(async () => { rmSync(dir, { recursive: true, force: true }); await table.drop(); await dropSchema(PG_URL, schema); });
  const prefix = `atk3_missing_${process.pid}`;
  const options = { backend: "postgres", url: PG_URL, schema } as const;
  const thread = uniqueName("missing");
  const log = join(dir, "calls.log");
  const child = runTsChild(fixture, {
    FB_OPTIONS: JSON.stringify(options), FB_THREAD: thread, FB_LOG: log, FB_TABLE: table.name, FB_PREFIX: prefix,
    FB_FIRST: "good", FB_MODE: "start", FB_HANG: "outbox",
  });
  await waitForLine(log, /^hang outbox /, 60_000, child);
  child.child.kill("SIGKILL");
  await child.exited;

  const cp = await createCheckpointer(options);
  cleanup.push(() => cp.close());
  const graph = sameGraph({ checkpointer: cp.saver });
  const config = durableConfig(thread);
  const missing = (await graph.invoke(null, config).catch((e: unknown) => e)) as EffectFailedError;
  expect(isEffectFailedError(missing)).toBe(true);
  expect([missing.guard, missing.tool, missing.toolCallId]).toEqual(["researcher", `${prefix}_outbox`, `${prefix}_outbox#1`]);
  expect((await table.rows()).map((r) => r.body)).toEqual(["saga1"]);

  const keys: string[] = [];
  effectTool({
    name: `${prefix}_outbox`, description: "Write a row later.", schema: z.object({ body: z.string() }), mode: "defer",
    run: async ({ body }: { body: string }, ctx) => { keys.push(ctx.idempotencyKey); await table.insert(ctx.idempotencyKey, body); },
  });
  const out = await graph.invoke(null, config);
  expect(keys).toEqual([missing.key]);
  expect((await table.rows()).map((r) => r.body).sort()).toEqual(["outbox1", "saga1"]);
  expect(out.guardRecords[0]!.effects!.map((e) => `${e.toolCallId}:${e.status}`)).toEqual([`${prefix}_saga#1:kept`, `${prefix}_outbox#1:executed`]);
});
