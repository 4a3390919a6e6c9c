/**
 * claimsChannel (and claimsField, claimsReducer, reduceClaims, withWriteContract's `claims`)
 * reject bad options when they are created: INVALID_OPTIONS naming the option, quoting the
 * value (bounded), saying what is allowed; the clock passed alongside is never called. And
 * the claim errors of issue 14: NaN/Infinity reported as such, a 1 MB id never makes a 1 MB
 * message, a blank statement is rejected.
 */
import { StateGraph, StateSchema, START, END } from "@langchain/langgraph";
import { describe, expect, it, test } from "vitest";
import {
  claimsChannel,
  claimsField,
  claimsReducer,
  InvalidClaimError,
  reduceClaims,
  withWriteContract,
  type ClaimsOptions,
} from "../../src/index.js";
import { expectRejected, HUGE, MESSAGE_MAX, type BadOptionsCase } from "../breaker/support/bad-options.js";

let ticks = 0;
const now = () => {
  ticks++;
  return new Date("2026-03-01T09:00:00.000Z");
};
const calls = () => ticks;
const make = (options: Record<string, unknown>) => () => claimsChannel({ now, ...options } as ClaimsOptions);

describe("claimsChannel rejects bad options when it is created", () => {
  const cases: BadOptionsCase[] = [
    ["options not an object", () => claimsChannel("challenger" as never), "options", "an options object"],
    ["options an array", () => claimsChannel(["challenger"] as never), "options", "an options object"],
    ["unknown key", make({ verifier: ["challenger"] }), "verifier", "no such option"],
    ["verifiers a string", make({ verifiers: "challenger" }), "verifiers", "a list (array or Set) of verifier node names"],
    ["verifiers empty", make({ verifiers: [] }), "verifiers", "at least one verifier node name"],
    ["verifiers an empty Set", make({ verifiers: new Set() }), "verifiers", "at least one verifier node name"],
    ["a blank verifier name", make({ verifiers: ["challenger", "  "] }), "verifiers[1]", "non-blank"],
    ["an empty verifier name", make({ verifiers: [""] }), "verifiers[0]", "non-blank"],
    ["a verifier name NaN", make({ verifiers: [NaN] }), "verifiers[0]", "non-blank string"],
    ["a verifier name Infinity", make({ verifiers: [Infinity] }), "verifiers[0]", "non-blank string"],
    ["a negative number as verifier", make({ verifiers: [-1] }), "verifiers[0]", "non-blank string"],
    ["a 1 MB verifier name", make({ verifiers: [HUGE] }), "verifiers[0]", "at most 200 characters"],
    ["allowSelfVerification a string", make({ allowSelfVerification: "yes" }), "allowSelfVerification", "true or false"],
    ["allowSelfVerification NaN", make({ allowSelfVerification: NaN }), "allowSelfVerification", "true or false"],
    ["now not a function", make({ now: new Date() }), "now", "a clock"],
    ["key empty", make({ key: "" }), "key", "non-blank"],
    ["key negative", make({ key: -1 }), "key", "non-blank string"],
    ["key Infinity", make({ key: Infinity }), "key", "non-blank string"],
    ["a 1 MB key", make({ key: HUGE }), "key", "at most 200 characters"],
  ];
  test.each(cases)("%s", (...c) => expectRejected(c, calls));

  it("quotes the value received, NaN as NaN and a 1 MB string cut short", () => {
    const thrown = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e as Error & { received: string };
      }
      throw new Error("accepted");
    };
    expect(thrown(() => claimsChannel({ verifiers: [NaN] } as never)).received).toBe("NaN");
    const huge = thrown(() => claimsChannel({ key: HUGE }));
    expect(huge.received).toContain("(1000000 characters)");
    expect(huge.message.length).toBeLessThan(MESSAGE_MAX);
  });

  it("names the factory that was given the options", () => {
    expect(() => claimsField({ verifiers: [] })).toThrow(/^claimsField: verifiers received \[\]/);
    expect(() => claimsReducer({ key: "" })).toThrow(/^claimsReducer: key received ""/);
    expect(() => reduceClaims([], [], { nope: 1 } as never)).toThrow(/^reduceClaims: nope received 1/);
    expect(() => withWriteContract(() => ({}), { allowed: ["claims"], claims: { verifiers: "x" } as never })).toThrow(/^withWriteContract: claims: verifiers received "x"/);
  });

  it("accepts good options, a Set of verifiers and a spread copy of resolved options", () => {
    const channel = claimsChannel({ verifiers: new Set(["challenger"]), allowSelfVerification: false, now, key: "facts" });
    expect([...channel.claimsOptions.verifiers!]).toEqual(["challenger"]);
    expect(channel.claimsOptions.key).toBe("facts");
    expect(claimsChannel({ ...channel.claimsOptions }).claimsOptions.verifiers!.has("challenger")).toBe(true);
    expect(calls()).toBe(0);
  });
});

const base = { id: "c1", text: "The answer is 42", origin: { agent: "researcher", source: "model" as const }, confidence: 0.9 };
function rejection(update: unknown): InvalidClaimError {
  try {
    reduceClaims([], update as never);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidClaimError);
    return e as InvalidClaimError;
  }
  throw new Error("the update was accepted");
}

describe("claim errors say what was received, in bounded form", () => {
  it.each([
    [NaN, "NaN"],
    [Infinity, "Infinity"],
    [-Infinity, "-Infinity"],
  ])("confidence %s is reported as %s, not null", (confidence, shown) => {
    const e = rejection([{ ...base, confidence }]);
    expect(e.field).toBe("confidence");
    expect(e.received).toBe(shown);
    expect(e.message).toContain(`received ${shown}`);
    expect(e.message).not.toContain("received null");
  });

  it("a claim with a 1 MB id yields a short message (the id is cut; the property keeps it whole)", () => {
    const id = "c".repeat(1_000_000);
    const e = rejection([{ ...base, id, confidence: 2 }]);
    expect(e.message.length).toBeLessThan(MESSAGE_MAX);
    expect(e.claimId).toBe(id);
    const parent = rejection([{ ...base, origin: { ...base.origin, basedOn: [id] } }]);
    expect(parent.field).toBe("origin.basedOn[0]");
    expect(parent.message.length).toBeLessThan(MESSAGE_MAX);
  });

  it.each(["   ", "\n\t ", "\u00a0"])("whitespace-only text %j is rejected", (text) => {
    const e = rejection([{ ...base, text }]);
    expect(e.field).toBe("text");
    expect(e.expected).toMatch(/not white space/);
  });

  it("a whitespace-only claim written by a node fails that node in StateSchema state, naming it", async () => {
    const graph = new StateGraph(new StateSchema({ claims: claimsChannel() }))
      .addNode("researcher", () => ({ claims: [{ ...base, text: "  " }] }))
      .addEdge(START, "researcher")
      .addEdge("researcher", END)
      .compile();
    const e = await graph.invoke({}).catch((error: unknown) => error);
    expect(e).toBeInstanceOf(InvalidClaimError);
    expect(e).toMatchObject({ node: "researcher", claimId: "c1", field: "text" });
  });
});
