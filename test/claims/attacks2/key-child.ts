// Child process for the FIREBREAK_CLAIMS_KEY attacks: `produce <style>` prints verified claims as JSON;
// `consume <style> <file>` hands the claims in <file> on to a fresh graph and prints the result.
import { readFileSync } from "node:fs";
import { Annotation, END, MemorySaver, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { z } from "zod/v4";
import { claimsChannel, claimsField, claimVerdicts, withWriteContract } from "../../../src/index.js";

const [mode, style, file] = process.argv.slice(2);
const opts = { verifiers: ["challenger"] };
const state: any =
  style === "annotation" ? Annotation.Root({ claims: claimsChannel(opts) }) : style === "schema" ? new StateSchema({ claims: claimsChannel(opts) }) : z.object({ claims: claimsField(opts) });
const wrap = (f: any, role: "producer" | "verifier") => (style === "annotation" ? withWriteContract(f, { allowed: ["claims"], role, claims: opts }) : f);
const g: any = new StateGraph(state)
  .addNode("researcher", wrap(() => ({ claims: [{ id: "c1", text: "key test", confidence: 0.8, origin: { agent: "researcher", source: "model" } }] }), "producer"))
  .addNode("challenger", wrap(() => ({ claims: claimVerdicts("challenger", [{ id: "c1", status: "green", reason: "ok", evidence: ["k1"] }], { fetched: ["k1"] }) }), "verifier"))
  .addNode("noop", () => ({}))
  .addConditionalEdges(START, (s: any) => ((s.claims ?? []).length ? "noop" : "researcher"), ["noop", "researcher"])
  .addEdge("researcher", "challenger")
  .addEdge("challenger", END)
  .addEdge("noop", END)
  .compile({ checkpointer: new MemorySaver() });

try {
  if (mode === "produce") {
    const out = await g.invoke({}, { configurable: { thread_id: "p" } });
    process.stdout.write(JSON.stringify(out.claims));
  } else {
    const claims = JSON.parse(readFileSync(file!, "utf8"));
    const out = await g.invoke({ claims }, { configurable: { thread_id: "c" } });
    process.stdout.write(JSON.stringify({ ok: true, claims: out.claims }));
  }
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, error: String((e as Error).message).slice(0, 300) }));
}
