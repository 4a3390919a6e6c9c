/**
 * Guarantees attacked: "each claim, each message operation, each other channel … is an item the
 * challenger judges" — applied to the claims channel itself (Overwrite of the claims history);
 * "Degrade by identity: every item judged red … is withheld with the place that carries it"
 * — applied to the prose claim derived from a withheld message; "committedClaimIds names only
 * claims that exist". Judges are SCRIPTED.
 */
import { describe, it, expect } from "vitest";
import { StateGraph, START, END, Overwrite } from "@langchain/langgraph";
import { AIMessage } from "@langchain/core/messages";
import { guardNodeInPlace, createChallenger } from "../../../nodes/index.js";
import { ScriptedChatModel } from "../../../src/testing/index.js";
import { dataBlock } from "../support/judges.js";
import { State, judgeBad, BAD, claim, leaks } from "../attacks/common.js";

function recordingJudge(red: (item: any) => boolean) {
  const seen: any[] = [];
  const model = new ScriptedChatModel({ label: "scripted recording judge", script: ({ messages }) => {
    const its: any[] = dataBlock(messages[messages.length - 1], "claims_under_review") ?? [];
    seen.push(...its);
    return { structured: { verdicts: its.map((i) => ({ claim_id: i.id, verdict: red(i) ? "red" : "green", reasons: ["scripted"] })) } };
  } });
  return { model, seen };
}

const existing = [{ id: "old-1", text: "an earlier verified finding", confidence: 0.9, origin: { agent: "u", source: "human" as const } }];

async function run(producer: any, model: any, mode: "degrade" | "fail" = "degrade") {
  const b: any = new StateGraph(State).addNode("p", producer).addEdge(START, "p").addEdge("p", END);
  guardNodeInPlace(b, "p", { challenger: createChallenger({ model }), maxAttempts: 1, onExhausted: mode });
  let out: any, err: any;
  try { out = await b.compile().invoke({ intent: "t", claims: existing }); } catch (e) { err = e; }
  return { out, err };
}

describe("Overwrite on the claims channel", () => {
  it("claims: Overwrite([]) (wiping the claims history) is an item the judge sees, or is blocked; never committed unseen", async () => {
    const { model, seen } = recordingJudge(() => false);
    const { out, err } = await run(() => ({ claims: new Overwrite([]) }), model, "fail");
    if (err) return;
    const wiped = !out.claims.some((c: any) => c.id === "old-1");
    if (wiped) expect(seen.length, "the claims history was wiped without any item shown to the judge").toBeGreaterThan(0);
  }, 20_000);

  it("claims: Overwrite([red claim]) — red blocks it and the history survives", async () => {
    const { out } = await run(() => ({ claims: new Overwrite([claim(`x ${BAD}`)]) }), judgeBad());
    expect(leaks(out ?? {})).toBe(false);
    expect(out?.claims?.some((c: any) => c.id === "old-1") ?? true).toBe(true);
  }, 20_000);
});

describe("prose claims derived from a withheld message", () => {
  it("a message withheld for its tool call: the claim made of its prose is not committed either", async () => {
    // judge: red only on the message item (it carries BAD in a tool call); the bare prose claim looks fine
    const { model } = recordingJudge((i) => JSON.stringify(i).includes(BAD));
    const { out } = await run(() => ({ messages: [new AIMessage({ content: "Prose that looks fine on its own", tool_calls: [{ id: "tc1", name: "wire_money", args: { to: BAD } }] })] }), model);
    const rec = out.guardRecords.at(-1);
    expect(rec.withheld.some((w: any) => w.kind === "message")).toBe(true);
    expect(out.messages ?? []).toEqual(expect.not.arrayContaining([expect.objectContaining({ content: "Prose that looks fine on its own" })]));
    expect(out.claims.map((c: any) => c.text), "prose of the withheld message was committed as a claim").not.toContain("Prose that looks fine on its own");
    for (const id of rec.committedClaimIds) expect(out.claims.some((c: any) => c.id === id)).toBe(true);
  }, 20_000);

  it("multimodal AI message: the prose claim carries the text blocks, and a BAD text block is judged", async () => {
    const { out } = await run(() => ({ messages: [new AIMessage({ content: [{ type: "text", text: "part one" }, { type: "text", text: `part two ${BAD}` }] as any })] }), judgeBad());
    expect(leaks(out)).toBe(false);
  }, 20_000);
});
