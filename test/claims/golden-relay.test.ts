import type { BaseMessage } from "@langchain/core/messages";
import { END, MemorySaver, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import {
  claimsChannel,
  confirmingContexts,
  createHandoff,
  descendants,
  formatPosterior,
  fromPosterior,
  intentChannel,
  PosteriorReplySchema,
  toPosterior,
  type PosteriorReply,
} from "../../src/index.js";
import { ScriptedChatModel } from "../../src/testing/index.js";

const now = () => new Date("2026-03-01T09:00:00.000Z");
const State = new StateSchema({ intent: intentChannel({ now }), claims: claimsChannel({ now }) });
type S = typeof State.State;

/** The ids in the `<claims>` block of the last prompt. */
function idsInPrompt(messages: BaseMessage[]): string[] {
  const text = String(messages.at(-1)!.content);
  const block = /<claims>\n([\s\S]*?)\n<\/claims>/.exec(text);
  return block ? (JSON.parse(block[1]!) as { claims: { id: string }[] }).claims.map((c) => c.id) : [];
}

/** A scripted model that answers with one claim built on the last claim it was shown. */
function scripted(claim: string, confidence: number, extra: Partial<PosteriorReply["claims"][number]> = {}) {
  return new ScriptedChatModel({
    label: `scripted ${claim}`,
    script: ({ messages }) => ({
      structured: {
        claims: [
          {
            claim,
            answer: null,
            confidence,
            alternatives: [],
            requires_verification: false,
            based_on: idsInPrompt(messages).slice(-1),
            ...extra,
          },
        ],
      },
    }),
  });
}

/** An agent node: reads the structured posterior, answers in claims. */
function agent(name: string, model: ScriptedChatModel) {
  return async (state: S) => {
    const prompt = `Task: ${state.intent?.text}\nClaims so far:\n${formatPosterior(state.claims)}\nAnswer in claims.`;
    const reply = await model.withStructuredOutput(PosteriorReplySchema).invoke(prompt);
    return { claims: fromPosterior(reply, { agent: name, ref: model.label }) };
  };
}

describe("golden example: a three-agent relay on one unverified claim", () => {
  it("counts two confirming contexts and marks every descendant as requiring verification", async () => {
    const researcher = scripted("The Eiffel Tower is 330 m tall", 0.7, { answer: 330, alternatives: [{ answer: 324, confidence: 0.25 }] });
    const analyst = scripted("It is taller than the 318 m Chrysler Building", 0.9);
    const writer = scripted("Paris has the taller landmark", 0.95);
    const graph = new StateGraph(State)
      .addNode("researcher", agent("researcher", researcher))
      .addNode("analyst", agent("analyst", analyst))
      .addNode("writer", agent("writer", writer))
      .addEdge(START, "researcher")
      .addEdge("researcher", "analyst")
      .addEdge("analyst", "writer")
      .addEdge("writer", END)
      .compile({ checkpointer: new MemorySaver() });

    const out = await graph.invoke({ intent: { text: "Which landmark is taller?", setBy: "user" } }, { configurable: { thread_id: "golden" } });
    const [root] = out.claims;

    expect(confirmingContexts(out, root!.id)).toBe(2);
    expect(descendants(out, root!.id).map((c) => [c.origin.agent, c.requiresVerification])).toEqual([
      ["analyst", true],
      ["writer", true],
    ]);
    // The researcher's posterior (not its prose) is what the analyst read.
    expect(String(analyst.prompts[0]!.at(-1)!.content)).toContain('"requires_verification": false');
    expect(toPosterior(out)).toMatchInlineSnapshot(`
      {
        "claims": [
          {
            "alternatives": [
              {
                "answer": 324,
                "confidence": 0.25,
              },
            ],
            "answer": 330,
            "claim": "The Eiffel Tower is 330 m tall",
            "confidence": 0.7,
            "id": "claim-0-fkeo1u",
            "origin": {
              "agent": "researcher",
              "based_on": [],
              "source": "model",
            },
            "requires_verification": false,
            "risk": "unknown",
            "status": "unverified",
          },
          {
            "alternatives": [],
            "answer": null,
            "claim": "It is taller than the 318 m Chrysler Building",
            "confidence": 0.7,
            "id": "claim-1-vb82nz",
            "origin": {
              "agent": "analyst",
              "based_on": [
                "claim-0-fkeo1u",
              ],
              "source": "model",
            },
            "requires_verification": true,
            "risk": "unknown",
            "status": "unverified",
          },
          {
            "alternatives": [],
            "answer": null,
            "claim": "Paris has the taller landmark",
            "confidence": 0.7,
            "id": "claim-2-uyxulu",
            "origin": {
              "agent": "writer",
              "based_on": [
                "claim-1-vb82nz",
              ],
              "source": "model",
            },
            "requires_verification": true,
            "risk": "unknown",
            "status": "unverified",
          },
        ],
      }
    `);
    const handoff = createHandoff(out, "writer", "editor");
    expect(handoff.unverifiedDepth).toBe(3);
    expect(handoff.openQuestions).toHaveLength(2); // the analyst's and the writer's derived claims
  });
});
