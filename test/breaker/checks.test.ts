import { describe, expect, test } from "vitest";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { z } from "zod/v4";
import {
  HashedNgramEmbeddings,
  classifyFailure,
  coherence,
  confidenceFloor,
  cosineSimilarity,
  defineCheck,
  minLength,
  nonEmpty,
  refusal,
  repetition,
  schema,
  type Check,
  type CheckContext,
  type CheckVerdict,
} from "../../src/index.js";

const context: CheckContext = { provider: "p", providerIndex: 0, messages: [new HumanMessage("What is the capital of France?")] };
const ai = (content: string, fields: Partial<ConstructorParameters<typeof AIMessage>[0] & object> = {}) =>
  new AIMessage({ content, ...fields });
const judge = async (check: Check, answer: AIMessage): Promise<CheckVerdict> => check(answer, context);

describe("nonEmpty / minLength", () => {
  test("rejects empty and whitespace answers, accepts text and tool calls", async () => {
    expect(await judge(nonEmpty(), ai("   "))).toMatchObject({ ok: false, reason: "empty answer: no text and no tool call" });
    expect((await judge(nonEmpty(), ai("Paris"))).ok).toBe(true);
    expect((await judge(nonEmpty(), ai("", { tool_calls: [{ name: "f", args: {}, id: "1" }] }))).ok).toBe(true);
    expect((await judge(nonEmpty({ toolCallsCount: false }), ai("", { tool_calls: [{ name: "f", args: {}, id: "1" }] }))).ok).toBe(false);
  });

  test("minLength names itself and reports the length", async () => {
    const check = minLength(20);
    expect(check.name).toBe("minLength(20)");
    expect(await judge(check, ai("too short"))).toMatchObject({ ok: false, reason: "answer has 9 characters, fewer than the minimum 20" });
  });
});

describe("schema", () => {
  const City = z.object({ city: z.string() });
  test("validates the JSON of an answer, tolerating a Markdown fence", async () => {
    expect((await judge(schema(City), ai('```json\n{"city":"Paris"}\n```'))).ok).toBe(true);
    expect(await judge(schema(City), ai('{"city": 1}'))).toMatchObject({ ok: false, reason: expect.stringMatching(/^the answer JSON does not match the schema: city:/) });
    expect(await judge(schema(City), ai("Paris"))).toMatchObject({ ok: false, reason: expect.stringMatching(/not valid JSON/) });
  });

  test("validates raw text and tool-call arguments", async () => {
    expect((await judge(schema(z.string().regex(/^[A-Z]/), { on: "text" }), ai("paris"))).ok).toBe(false);
    const toolCheck = schema(City, { on: "tool-args", tool: "lookup", required: true });
    expect((await judge(toolCheck, ai("", { tool_calls: [{ name: "lookup", args: { city: "Paris" }, id: "1" }] }))).ok).toBe(true);
    expect((await judge(toolCheck, ai("", { tool_calls: [{ name: "lookup", args: { town: "Paris" }, id: "1" }] }))).ok).toBe(false);
    expect(await judge(toolCheck, ai("no tools"))).toMatchObject({ ok: false, reason: "no call to lookup in the answer" });
  });
});

describe("repetition", () => {
  test("rejects a looping answer and accepts ordinary prose", async () => {
    const loop = Array.from({ length: 30 }, () => "the answer is").join(" ");
    const verdict = await judge(repetition(), ai(loop));
    expect(verdict.ok).toBe(false);
    expect(verdict.reason).toMatch(/degenerate repetition: only \d+% of word 3-grams are distinct.*"the answer is" occurs \d+ times/);
    const prose =
      "Paris is the capital and most populous city of France. It sits on the Seine in the north of the country, " +
      "and has been a centre of finance, diplomacy, commerce, fashion and science since the seventeenth century.";
    expect((await judge(repetition(), ai(prose))).ok).toBe(true);
  });

  test("judges unspaced text on characters", async () => {
    expect((await judge(repetition(), ai("ab".repeat(200)))).ok).toBe(false);
    expect((await judge(repetition(), ai("short"))).ok).toBe(true);
  });
});

describe("refusal", () => {
  test("rejects refusal phrasings and the provider's refusal field, not answers that merely mention them", async () => {
    expect((await judge(refusal(), ai("I'm sorry, but I can't help with that."))).ok).toBe(false);
    expect((await judge(refusal(), ai("As an AI language model, I have no opinions."))).ok).toBe(false);
    expect((await judge(refusal(), ai("{}", { additional_kwargs: { refusal: "I cannot comply." } }))).ok).toBe(false);
    expect((await judge(refusal(), ai(`${"Paris is the capital. ".repeat(30)} Some models say "I can't help".`))).ok).toBe(true);
  });
});

describe("confidenceFloor", () => {
  test("reads a structured field, or log-probabilities, and applies the whenMissing policy", async () => {
    const field = confidenceFloor({ min: 0.7, field: "meta.confidence" });
    expect((await judge(field, ai('{"meta":{"confidence":0.9}}'))).ok).toBe(true);
    expect(await judge(field, ai('{"meta":{"confidence":0.4}}'))).toMatchObject({ ok: false, score: 0.4 });
    expect((await judge(field, ai("not json"))).ok).toBe(true);
    expect((await judge(confidenceFloor({ min: 0.7, field: "confidence", whenMissing: "fail" }), ai("x"))).ok).toBe(false);

    const logprobs = (lps: number[]) => ai("x", { response_metadata: { logprobs: { content: lps.map((logprob) => ({ token: "t", logprob })) } } });
    expect((await judge(confidenceFloor({ min: 0.5 }), logprobs([-0.1, -0.2]))).ok).toBe(true);
    expect((await judge(confidenceFloor({ min: 0.5 }), logprobs([-2, -3]))).ok).toBe(false);
    expect((await judge(confidenceFloor({ min: 0.5, aggregate: "min" }), logprobs([-0.01, -3]))).ok).toBe(false);
  });
});

describe("coherence", () => {
  const reference = [
    "The capital of France is Paris, a city on the Seine known for the Eiffel Tower.",
    "Berlin is the capital of Germany and its largest city by population.",
    "Madrid is Spain's capital; it sits in the centre of the Iberian peninsula.",
  ];

  test("with the offline embedding, rejects gibberish, markup and another script against a reference set", async () => {
    const check = coherence({ reference });
    expect((await judge(check, ai("Vienna is the capital of Austria, a city on the Danube famous for music."))).ok).toBe(true);
    for (const bad of ["qzx vvk plor ttrb xxq mnbz qwer tyuiop asdf ghjk", '<div class="x"><span>{{undefined}}</span></div>', "法国的首都是巴黎，它位于塞纳河畔，以埃菲尔铁塔闻名。"]) {
      const verdict = await judge(check, ai(bad));
      expect(verdict.ok, bad).toBe(false);
      expect(verdict.reason).toMatch(/^incoherent: similarity -?\d\.\d{3} to the reference is below 0.2$/);
    }
  });

  test("learns a rolling centroid from accepted answers only, after a warm-up", async () => {
    const check = coherence({ warmup: 2 });
    const good = ai("Rome is the capital of Italy, home to the Colosseum and Vatican City.");
    expect((await judge(check, ai("zzzz qqqq xxxx wwww vvvv kkkk jjjj"))).reason).toMatch(/^warming up/);
    await check.onAccepted!(good, context);
    await check.onAccepted!(ai("Lisbon, the capital of Portugal, lies on the Atlantic coast."), context);
    expect((await judge(check, ai("Athens is the capital of Greece and one of the oldest cities."))).ok).toBe(true);
    expect((await judge(check, ai("zzzz qqqq xxxx wwww vvvv kkkk jjjj"))).ok).toBe(false);
  });

  test("accepts any EmbeddingsInterface and can compare against the prompt", async () => {
    let calls = 0;
    const embeddings = {
      embedQuery: async (text: string) => {
        calls++;
        return text.includes("France") || text.includes("Paris") ? [1, 0] : [0, 1];
      },
      embedDocuments: async (texts: string[]) => texts.map((t) => (t.includes("France") ? [1, 0] : [0, 1])),
    };
    const check = coherence({ embeddings, against: "prompt", minSimilarity: 0.5 });
    expect((await judge(check, ai("Paris, on the Seine, is the capital."))).ok).toBe(true);
    expect((await judge(check, ai("Bake the bread at 220 degrees for forty minutes."))).ok).toBe(false);
    expect(calls).toBe(4);
  });

  test("the hashed embedding is deterministic, normalised and cheap", async () => {
    const e = new HashedNgramEmbeddings({ dimensions: 64 });
    const [a, b] = await e.embedDocuments(["the cat sat on the mat", "the cat sat on the mat"]);
    expect(a).toEqual(b);
    expect(cosineSimilarity(a!, b!)).toBeCloseTo(1, 10);
    expect(a!.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 10);
  });
});

describe("custom checks", () => {
  test("defineCheck names a check; a sync check stays sync", () => {
    const check = defineCheck("hasDigit", (answer) => (/\d/.test(String(answer.content)) ? { ok: true } : { ok: false, reason: "no digit" }));
    expect(check.name).toBe("hasDigit");
    expect(check(ai("42"), context)).toEqual({ ok: true });
  });
});

describe("classifyFailure", () => {
  test("reads status, headers, name and codes without instanceof", () => {
    const headers = new Headers({ "retry-after": "3" });
    expect(classifyFailure({ status: 429, headers, message: "slow down" })).toMatchObject({ kind: "rate-limit", status: 429, retryAfterMs: 3000 });
    expect(classifyFailure({ status: 429, message: "Rate limit reached. Please try again in 1.5s." })).toMatchObject({ retryAfterMs: 1500 });
    expect(classifyFailure({ status: 502 }).kind).toBe("server");
    expect(classifyFailure({ status: 401 }).kind).toBe("auth");
    expect(classifyFailure({ status: 400 }).kind).toBe("client");
    expect(classifyFailure(Object.assign(new Error("x"), { name: "APIConnectionTimeoutError" })).kind).toBe("timeout");
    expect(classifyFailure(Object.assign(new Error("fetch failed"), { cause: { code: "ECONNREFUSED" } })).kind).toBe("network");
    expect(classifyFailure(new SyntaxError("Unexpected token")).kind).toBe("semantic");
    expect(classifyFailure(new Error("boom"), { timedOut: true }).kind).toBe("timeout");
    expect(classifyFailure(new Error("boom"), { callerAborted: true }).kind).toBe("abort");
    expect(classifyFailure(new Error("boom")).kind).toBe("unknown");
  });
});
