import { HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createChallenger } from "../../nodes/index.js";
import { ScriptedChatModel, readChallengeRequest, scriptedJudge } from "../../src/testing/index.js";

describe("langgraph-firebreak/testing", () => {
  it("scriptedJudge applies its rule per claim and the challenger reports exactly those verdicts", async () => {
    const seen: string[] = [];
    const judge = scriptedJudge((claim, request) => {
      seen.push(`${String(request.intent)}|${claim.id}`);
      return claim.text.includes("0.4437") ? "green" : { verdict: "red", reasons: ["0.85^5 is 0.4437"] };
    });
    const challenger = createChallenger({ model: judge });
    const { judgements } = await challenger.review({
      intent: "relay of five at 85%",
      claims: [
        { id: "a", text: "0.85^5 = 0.4437" },
        { id: "b", text: "0.85^5 = 0.52" },
      ],
    });
    expect(judgements.map((j) => [j.claimId, j.verdict, j.fromModel])).toEqual([
      ["a", "green", true],
      ["b", "red", true],
    ]);
    expect(judgements[1]!.reasons).toEqual(["0.85^5 is 0.4437"]);
    expect(seen).toEqual(["relay of five at 85%|a", "relay of five at 85%|b"]);
    expect(judge.callCount).toBe(1);
  });

  it("scriptedJudge calls no tool in the evidence phase and sees the fetched evidence when it judges", async () => {
    const lookup = tool(async () => "0.85^5 = 0.4437053125", { name: "calculator", description: "computes", schema: z.object({ q: z.string() }) });
    let evidenceSeen: readonly unknown[] | undefined;
    const judge = scriptedJudge((_claim, request) => {
      evidenceSeen = request.evidence;
      return "yellow";
    });
    const challenger = createChallenger({ model: judge, evidence: [lookup] });
    const { judgements } = await challenger.review({ intent: "x", claims: [{ id: "c1", text: "t" }] });
    expect(judgements[0]!.verdict).toBe("yellow");
    expect(judge.callCount).toBe(2); // one evidence call (no tool requested), one verdict call
    expect(evidenceSeen).toEqual([]);
  });

  it("readChallengeRequest refuses messages that are not a challenger prompt, and scriptedJudge refuses a non-function rule", () => {
    expect(() => readChallengeRequest([new HumanMessage("hello")])).toThrow(/not a challenger prompt/);
    expect(() => readChallengeRequest([])).toThrow(/claims_under_review/);
    expect(() => scriptedJudge("green" as never)).toThrow(/rule must be a function/);
  });

  it("ScriptedChatModel scripts errors (thrown as given) and token usage", async () => {
    const overloaded = Object.assign(new Error("overloaded"), { status: 503 });
    const model = new ScriptedChatModel({ script: [{ error: overloaded }, { text: "ok", usage: { input: 12, output: 3 } }], maxRetries: 0 });
    await expect(model.invoke("hi")).rejects.toBe(overloaded);
    const reply = await model.invoke("hi");
    expect(reply.content).toBe("ok");
    expect(reply.usage_metadata).toEqual({ input_tokens: 12, output_tokens: 3, total_tokens: 15 });
    expect(model.callCount).toBe(2);
  });
});
