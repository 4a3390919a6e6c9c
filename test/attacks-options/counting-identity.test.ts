/**
 * What counts (a real ChatOpenAI against the loopback server): bad answers, 429, 5xx, timeouts
 * and network errors are failures; 400/401/403/404/422 and the caller's abort are neither, so
 * `bad, X, bad` trips at `trip: 2`; BROKEN_CIRCUIT means nothing was sent; CALL_FAILED means a
 * call was sent and failed. Identity: getName/_llmType of the primary; createSupervisor still
 * sends parallel_tool_calls: false.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { ChatOpenAI } from "@langchain/openai";
import { isCircuitOpenError, isFailoverExhaustedError, nonEmpty, repetition, withSemanticBreaker } from "../../src/index.js";
import { openai, startLoopback, type Behaviour, type Loopback } from "./loopback-openai.js";

const BAD: Behaviour = { kind: "answer", content: "" };
const GOOD: Behaviour = { kind: "answer", content: "Paris is the capital of France." };
let server: Loopback;
let modelSeq = 0;
beforeAll(async () => {
  server = await startLoopback();
});
afterAll(async () => {
  await server.close();
});

const settle = (p: Promise<unknown>) => p.then((v) => v, (e: unknown) => e);

/** Plays `script` call by call on a fresh model name; returns states and errors after each call. */
async function play(script: Array<Behaviour | "abort">, options: Record<string, unknown> = {}) {
  const name = `m${++modelSeq}`;
  server.script(name, [...script.map((b) => (b === "abort" ? ({ kind: "hang" } as Behaviour) : b)), GOOD]);
  const model = withSemanticBreaker(openai(server, name), { checks: [nonEmpty(), repetition()], trip: 2, ...options });
  const states: string[] = [];
  const errors: unknown[] = [];
  for (const step of script) {
    if (step === "abort") {
      const ac = new AbortController();
      const p = settle(model.invoke("q", { signal: ac.signal }));
      setTimeout(() => ac.abort(new Error("caller aborted")), 150);
      errors.push(await p);
    } else errors.push(await settle(model.invoke("q")));
    states.push(model.breaker.status()[0]!.state);
  }
  return { states, errors, model, name };
}

const code = (e: unknown) => (e as { code?: string } | undefined)?.code;
const sent = (name: string) => server.requests.filter((r) => r.model === name).length;

describe("what counts", () => {
  for (const status of [400, 401, 403, 404, 422]) {
    it(`bad, ${status}, bad trips at trip: 2 (the ${status} is neither failure nor success)`, async () => {
      const { states } = await play([BAD, { kind: "status", status }, BAD]);
      expect(states).toEqual(["closed", "closed", "open"]);
    });
  }

  it("bad, abort, bad trips at trip: 2 (the caller's abort is neither)", async () => {
    const { states, errors } = await play([BAD, "abort", BAD]);
    expect(code(errors[1])).not.toBe("CALL_FAILED");
    expect(states).toEqual(["closed", "closed", "open"]);
  });

  for (const [label, failure] of [
    ["429", { kind: "status", status: 429 }],
    ["500", { kind: "status", status: 500 }],
    ["503", { kind: "status", status: 503 }],
    ["bad answer", BAD],
  ] as const) {
    it(`${label} counts as a failure: two trip trip: 2, CALL_FAILED, sent exactly once each`, async () => {
      const { states, errors, name } = await play([failure, failure]);
      expect(states).toEqual(["closed", "open"]);
      expect(errors.map(code)).toEqual(["CALL_FAILED", "CALL_FAILED"]);
      expect(isFailoverExhaustedError(errors[0])).toBe(true);
      expect(sent(name)).toBe(2);
    });
  }

  it("a timeout counts as a failure", async () => {
    const { states, errors } = await play([{ kind: "hang" }, { kind: "hang" }], { timeoutMs: 200 });
    expect(states).toEqual(["closed", "open"]);
    expect(errors.map(code)).toEqual(["CALL_FAILED", "CALL_FAILED"]);
  });

  it("a network error (refused) counts as a failure, then BROKEN_CIRCUIT", async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    const model = withSemanticBreaker(
      new ChatOpenAI({ model: "x", apiKey: "k", maxRetries: 0, configuration: { baseURL: `http://127.0.0.1:${port}/v1` } }),
      { trip: 2 },
    );
    const errors = [await settle(model.invoke("q")), await settle(model.invoke("q")), await settle(model.invoke("q"))];
    expect(errors.map(code)).toEqual(["CALL_FAILED", "CALL_FAILED", "BROKEN_CIRCUIT"]);
  });

  it("BROKEN_CIRCUIT means nothing was sent; CALL_FAILED means it was", async () => {
    const { errors, model, name } = await play([BAD, BAD]);
    expect(errors.map(code)).toEqual(["CALL_FAILED", "CALL_FAILED"]);
    const before = sent(name);
    const e = await settle(model.invoke("q"));
    expect(code(e)).toBe("BROKEN_CIRCUIT");
    expect(isCircuitOpenError(e)).toBe(true);
    expect(sent(name)).toBe(before);
  });

  it("bad, good, bad does not trip (a success resets the count)", async () => {
    const { states } = await play([BAD, GOOD, BAD]);
    expect(states).toEqual(["closed", "closed", "closed"]);
  });
});

describe("identity", () => {
  it("getName() and _llmType() answer with the primary's", () => {
    const inner = openai(server, "gpt-4o-mini");
    const wrapped = withSemanticBreaker(inner, { fallbacks: [openai(server, "backup")] });
    expect(wrapped.getName()).toBe(inner.getName());
    expect(wrapped._llmType()).toBe(inner._llmType());
  });

  it("createSupervisor still sends parallel_tool_calls: false to an OpenAI provider", async () => {
    const { createSupervisor } = await import("@langchain/langgraph-supervisor");
    const { createReactAgent } = await import("@langchain/langgraph/prebuilt");
    server.script("sup-model", [{ kind: "answer", content: "Done: Paris." }]);
    server.script("worker-model", [{ kind: "answer", content: "worker says hi" }]);
    const worker = createReactAgent({ llm: openai(server, "worker-model"), tools: [], name: "researcher", prompt: "research" });
    const llm = withSemanticBreaker(openai(server, "sup-model"), { name: "sup" });
    const app = createSupervisor({ agents: [worker], llm, prompt: "route" }).compile();
    await app.invoke({ messages: [{ role: "user", content: "capital of France?" }] });
    const req = server.requests.filter((r) => r.model === "sup-model").at(-1)!;
    expect(req).toBeDefined();
    expect(Array.isArray(req.tools)).toBe(true);
    expect(req.parallel_tool_calls).toBe(false);
  });
});

describe("what counts: more statuses", () => {
  for (const status of [409, 413]) {
    it(`bad, ${status}, bad trips at trip: 2 (${status} is neither) and the ${status} is rethrown as is`, async () => {
      const { states, errors } = await play([BAD, { kind: "status", status }, BAD]);
      expect(states).toEqual(["closed", "closed", "open"]);
      expect(code(errors[1])).not.toBe("CALL_FAILED");
      expect((errors[1] as { status?: number }).status).toBe(status);
    });
  }
  for (const status of [408, 502, 504]) {
    it(`${status} counts as a failure`, async () => {
      const { states } = await play([{ kind: "status", status }, { kind: "status", status }]);
      expect(states).toEqual(["closed", "open"]);
    });
  }
  it("a mid-stream connection drop counts as a failure", async () => {
    const { states, errors } = await play(
      [
        { kind: "partial", content: "half an answer", then: "destroy" },
        { kind: "partial", content: "half an answer", then: "destroy" },
      ],
      {},
    );
    expect(errors.map(code)).toEqual(["CALL_FAILED", "CALL_FAILED"]);
    expect(states).toEqual(["closed", "open"]);
  });
});
