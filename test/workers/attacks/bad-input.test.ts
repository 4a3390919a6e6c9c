/**
 * Attacks on "all validated; a bad one throws InvalidOptionsError naming it" (docs/workers.md):
 * hostile input to enqueueRun, resumeRun and createRunWorker. Nothing may reach the queue, and
 * no worker may start. No Redis or PostgreSQL is needed: validation comes first.
 */
import { describe, expect, it } from "vitest";
import type { Checkpointer } from "../../../checkpointers/index.js";
import { isFirebreakError } from "../../../src/index.js";
import { createRunWorker, enqueueRun, resumeRun } from "../../../src/workers/index.js";

/** A stand-in queue that counts `add` calls (none may happen) and serialises the data as BullMQ does. */
function countingQueue() {
  const q = { adds: 0, add: async (name: string, data: unknown) => ((q.adds += 1), JSON.stringify({ name, data }), { id: "x" }) };
  return q;
}

async function rejection(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectNamed(thrown: unknown, option: RegExp) {
  expect(isFirebreakError(thrown) && thrown.code, String(thrown)).toBe("INVALID_OPTIONS");
  expect((thrown as { option?: string }).option, (thrown as Error).message).toMatch(option);
  expect((thrown as Error).message.length).toBeLessThan(600);
}

const ok = { graph: "review", threadId: "t-1", input: { task: "x" } };
const cycle: Record<string, unknown> = {};
cycle.self = cycle;

const enqueueCases: [string, Record<string, unknown>, RegExp][] = [
  ["no graph", { threadId: "t", input: {} }, /^graph$/],
  ["a blank graph", { ...ok, graph: "   " }, /^graph$/],
  ["a blank threadId", { ...ok, threadId: "" }, /^threadId$/],
  ["a 501-character threadId", { ...ok, threadId: "t".repeat(501) }, /^threadId$/],
  ["a threadId that is a number", { ...ok, threadId: 42 }, /^threadId$/],
  ["run -1", { ...ok, run: -1 }, /^run$/],
  ["run 1.5", { ...ok, run: 1.5 }, /^run$/],
  ["run NaN", { ...ok, run: Number.NaN }, /^run$/],
  ["a blank run", { ...ok, run: " " }, /^run$/],
  ["attempts 0", { ...ok, attempts: 0 }, /^attempts$/],
  ["attempts 101", { ...ok, attempts: 101 }, /^attempts$/],
  ["an unknown key", { ...ok, thread: "t" }, /thread/],
];

describe("enqueueRun rejects bad input, naming it, and adds nothing", () => {
  it.each(enqueueCases)("%s", async (_label, options, option) => {
    const queue = countingQueue();
    expectNamed(await rejection(() => enqueueRun(queue as never, options as never)), option);
    expect(queue.adds).toBe(0);
  });

  it("a queue that is not a BullMQ Queue", async () => {
    expectNamed(await rejection(() => enqueueRun({} as never, ok)), /^queue$/);
  });

  // Was BROKEN (fixed): the input is documented as JSON ("The input of the run (JSON)", EnqueueRunOptions) and
  // the workers' options are "one strict schema each ... failing with InvalidOptionsError naming
  // the option". An input holding a BigInt is not checked: enqueueRun hands it to the queue, and a
  // real BullMQ Queue throws a bare TypeError "Do not know how to serialize a BigInt" (seen with
  // real Redis), which names neither `input` nor enqueueRun (here: no error, 1 add).
  it("an input holding a BigInt", async () => {
    const queue = countingQueue();
    expectNamed(await rejection(() => enqueueRun(queue as never, { ...ok, input: { n: 1n } })), /^input/);
    expect(queue.adds).toBe(0);
  });

  // Was BROKEN (fixed): as above; a cyclic input gives BullMQ's bare TypeError "Converting circular structure
  // to JSON" instead of an InvalidOptionsError naming `input`.
  it("an input holding a cycle", async () => {
    const queue = countingQueue();
    expectNamed(await rejection(() => enqueueRun(queue as never, { ...ok, input: cycle })), /^input/);
    expect(queue.adds).toBe(0);
  });

  it("resumeRun: a blank threadId and attempts 0", async () => {
    const queue = countingQueue();
    expectNamed(await rejection(() => resumeRun(queue as never, { graph: "review", threadId: " ", resume: {} })), /^threadId$/);
    expectNamed(await rejection(() => resumeRun(queue as never, { graph: "review", threadId: "t", resume: {}, attempts: 0 })), /^attempts$/);
    expect(queue.adds).toBe(0);
  });
});

const fakeCheckpointer = { saver: {}, pool: {}, schema: "s" } as unknown as Checkpointer;
const graph = { invoke: async () => ({}), getState: async () => ({}) } as never;
const good = { graphs: { review: graph }, checkpointer: fakeCheckpointer };
const workerCases: [string, Record<string, unknown>, RegExp][] = [
  ["no graphs", { checkpointer: fakeCheckpointer }, /^graphs$/],
  ["empty graphs", { ...good, graphs: {} }, /^graphs$/],
  ["a graph that is a number", { ...good, graphs: { review: 42 } }, /^graphs/],
  ["no checkpointer", { graphs: good.graphs }, /^checkpointer$/],
  ["a PostgresSaver-like object as checkpointer", { ...good, checkpointer: { put: () => {} } }, /^checkpointer$/],
  ["a queue name with ':'", { ...good, queueName: "runs:eu" }, /^queueName$/],
  ["concurrency 0", { ...good, concurrency: 0 }, /^concurrency$/],
  ["leaseMs 299", { ...good, leaseMs: 299 }, /^leaseMs$/],
  ["leaseMs 2^31", { ...good, leaseMs: 2 ** 31 }, /^leaseMs$/],
  ["busyRetryMs 0", { ...good, busyRetryMs: 0 }, /^busyRetryMs$/],
  ["lockDurationMs 99", { ...good, lockDurationMs: 99 }, /^lockDurationMs$/],
  ["maxStalledCount -1", { ...good, maxStalledCount: -1 }, /^maxStalledCount$/],
  ["an http connection URL", { ...good, connection: "http://127.0.0.1:6379" }, /^connection$/],
  ["onError that is a string", { ...good, onError: "log" }, /^onError$/],
  ["an unknown key", { ...good, queue: "runs" }, /queue/],
];

describe("createRunWorker rejects bad options, naming them, before connecting", () => {
  it.each(workerCases)("%s", (_label, options, option) => {
    let thrown: unknown;
    try {
      createRunWorker(options as never);
    } catch (error) {
      thrown = error;
    }
    expectNamed(thrown, option);
  });
});
