import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { ScriptedChatModel, scriptedJudge, type JudgeAnswer, type ReadChallengeRequest } from "langgraph-firebreak/testing";

/** The models the example runs with: scripted offline, or real when `OPENAI_API_KEY` is set. */
export interface ExampleModels {
  /** "scripted" (offline, deterministic stand-ins for judgement) or "openai". */
  kind: "scripted" | "openai";
  supervisor: BaseChatModel;
  researcher: BaseChatModel;
  analyst: BaseChatModel;
  writer: BaseChatModel;
  /** The fresh-context challenger that checks the researcher's claims before anyone sees them. */
  challenger: BaseChatModel;
}

/** The task the example gives its team. */
export const EXAMPLE_TASK =
  "A relay of five agents is 85% accurate at each step. How often is the final answer right, and what keeps a relay reliable?";

/**
 * Scripted models: each plays a fixed script. They stand in for a model's judgement so the
 * example runs offline with no keys; their words are labelled "scripted" in the transcript.
 */
export function scriptedModels(): ExampleModels {
  // The supervisor routes by what the transcript already holds.
  const supervisor = new ScriptedChatModel({
    label: "scripted supervisor",
    script: ({ messages }) => {
      const text = messages.map((m) => String(m.content)).join("\n");
      if (!text.includes("[researcher]")) return { structured: { next: "researcher", reason: "we need the arithmetic first" } };
      if (!text.includes("[analyst]")) return { structured: { next: "analyst", reason: "the figure needs interpreting" } };
      return { structured: { next: "writer", reason: "research and analysis are in" } };
    },
  });
  // The researcher first slips (a plausible falsehood); once the guard's feedback is in its prompt it corrects itself.
  const researcher = new ScriptedChatModel({
    label: "scripted researcher",
    script: ({ messages }) =>
      messages.some((m) => String(m.content).includes("[firebreak guard]"))
        ? "Five independent stages at 0.85 each succeed together with probability 0.85^5 = 0.4437, about 44%."
        : "Five independent stages at 0.85 each succeed together with probability 0.85^5 ≈ 0.52, about half the time.",
  });
  const analyst = new ScriptedChatModel({
    label: "scripted analyst",
    script: [
      "Errors compound multiplicatively, so the fix is structural: verify between stages with evidence the chain lacks, and relay answers with their confidence instead of prose.",
    ],
  });
  const writer = new ScriptedChatModel({
    label: "scripted writer",
    script: [
      "About 44% of the time (0.85^5 ≈ 0.44). Keep relays short, put an independent verifier with real evidence between stages, and pass structured answers with confidence rather than prose.",
    ],
  });
  // The challenger's judgement is scripted; its evidence (the calculator) is real.
  const challenger = scriptedJudge(judgeArithmetic, { label: "scripted challenger" });
  return { kind: "scripted", supervisor, researcher, analyst, writer, challenger };
}

/** A scripted stand-in for the challenger's judgement: compares a claim's numbers with the calculator's. */
function judgeArithmetic(claim: { id: string; text: string }, request: ReadChallengeRequest): JudgeAnswer {
  for (const item of request.evidence ?? []) {
    const [expression, value] = item.content.split(" = ") as [string, string];
    if (!claim.text.includes(expression)) continue;
    const base = expression.split("^")[0]!;
    const stated = (claim.text.match(/\d+\.\d+/g) ?? []).filter((n) => n !== base).map(Number);
    if (stated.some((n) => Math.abs(n - Number(value)) < 0.005)) {
      return { verdict: "green", reasons: [`The calculator gives ${item.content}, as claimed.`], evidence: [item.id] };
    }
    if (stated.length > 0) {
      return { verdict: "red", reasons: [`The calculator gives ${item.content}, not ${stated.join(" or ")}.`], evidence: [item.id] };
    }
  }
  return { verdict: "yellow", reasons: ["No evidence bears on this claim."], evidence: [] };
}

/**
 * Real models through `ChatOpenAI` (`OPENAI_API_KEY`; `OPENAI_BASE_URL` and `OPENAI_MODEL`
 * honoured). Loaded only when a key is set, so the offline path never imports it.
 */
export async function openAIModels(): Promise<ExampleModels> {
  const { ChatOpenAI } = await import("@langchain/openai");
  const make = () =>
    new ChatOpenAI({
      model: process.env.OPENAI_MODEL ?? "gpt-4o-mini",
      temperature: 0,
      maxRetries: 2,
      timeout: 60_000,
      configuration: process.env.OPENAI_BASE_URL ? { baseURL: process.env.OPENAI_BASE_URL } : {},
    });
  return { kind: "openai", supervisor: make(), researcher: make(), analyst: make(), writer: make(), challenger: make() };
}

/** Real models when `OPENAI_API_KEY` is set, scripted ones otherwise. */
export async function exampleModels(): Promise<ExampleModels> {
  return process.env.OPENAI_API_KEY ? openAIModels() : scriptedModels();
}
