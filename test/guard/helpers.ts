/**
 * Test helpers: scripted judges. A scripted model stands in for the challenger's judgement;
 * it reads the claims from the prompt's delimited data exactly as a real model would see them.
 */
import type { BaseMessage } from "@langchain/core/messages";
import { ScriptedChatModel } from "../../src/testing/index.js";

/** The JSON inside `<tag>…</tag>` of a prompt message, parsed. */
export function dataBlock(message: BaseMessage | undefined, tag: string): any {
  const text = String(message?.content ?? "");
  const match = new RegExp(`<${tag}>\\n([\\s\\S]*?)\\n</${tag}>`).exec(text);
  return match ? JSON.parse(match[1]!) : undefined;
}

/** Every prompt's full text, joined (for "never contains" assertions). */
export function allPromptText(model: ScriptedChatModel): string {
  return model.prompts.map((p) => p.map((m) => (typeof m.content === "string" ? m.content : JSON.stringify(m.content))).join("\n")).join("\n----\n");
}

/**
 * A scripted judge: for every claim under review, `rule(text)` gives the verdict. Replies
 * through structured output, like a well-behaved model.
 */
export function scriptedJudge(rule: (text: string) => "green" | "yellow" | "red", label = "scripted judge"): ScriptedChatModel {
  return new ScriptedChatModel({
    label,
    script: ({ messages }) => {
      const claims: Array<{ id: string; text: string }> = dataBlock(messages[messages.length - 1], "claims_under_review") ?? [];
      return {
        structured: {
          verdicts: claims.map((c) => {
            const verdict = rule(c.text);
            return { claim_id: c.id, verdict, reasons: [`scripted: ${verdict} for ${JSON.stringify(c.text)}`] };
          }),
        },
      };
    },
  });
}

/** A judge that calls everything mentioning `falsehood` red and the rest green. */
export function judgeAgainst(falsehood: string | RegExp): ScriptedChatModel {
  const bad = typeof falsehood === "string" ? (t: string) => t.includes(falsehood) : (t: string) => falsehood.test(t);
  return scriptedJudge((t) => (bad(t) ? "red" : "green"));
}
