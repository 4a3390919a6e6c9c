import { Annotation, END, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod/v4";
import { createCheckpointer, durableConfig, type Checkpointer } from "../../checkpointers/index.js";
import {
  claimsChannel,
  claimsField,
  ClaimsStateSchema,
  claimVerdicts,
  confirmingContexts,
  intentChannel,
  intentField,
  InvalidClaimError,
  lineage,
  withWriteContract,
  type Claim,
  type ClaimsUpdate,
} from "../../src/index.js";
import { claim, fixedClock } from "./support/builders.js";

const url = process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `claims_it_${process.pid}_${Date.now().toString(36)}`;

type S = { claims: Claim[] };
type Node = (state: S) => { claims: ClaimsUpdate };
const styles = ["Annotation.Root", "StateSchema", "zod object"] as const;
type Style = (typeof styles)[number];

/** The same four-agent graph in each state style; `writer` fails once with an invalid update. */
function build(style: Style, cp: Checkpointer, writerAttempts: { count: number }) {
  const nodes: Record<string, Node> = {
    researcher: () => ({ claims: claim("researcher", "The library opened in 1911", { id: "r1", value: 1911, confidence: 0.7 }) }),
    challenger: () => ({ claims: claimVerdicts("challenger", [{ id: "r1", status: "yellow", reason: "no source yet", evidence: ["search:0"] }]) }),
    analyst: () => ({ claims: claim("analyst", "It is over a century old", { id: "a1", basedOn: ["r1"], confidence: 0.9 }) }),
    writer: (s) => {
      writerAttempts.count++;
      const parent = s.claims.at(-1)!.id;
      return writerAttempts.count === 1
        ? { claims: claim("writer", "Century-old landmark", { basedOn: [parent], confidence: 3 }) }
        : { claims: claim("writer", "Century-old landmark", { basedOn: [parent] }) };
    },
  };
  const fields = {
    Annotation: () => Annotation.Root({ intent: intentChannel(), claims: claimsChannel(fixedClock) }),
    Schema: () => new StateSchema({ intent: intentChannel(), claims: claimsChannel(fixedClock) }),
    Zod: () => z.object({ intent: intentField(), claims: claimsField(fixedClock) }),
  };
  const state = style === "Annotation.Root" ? fields.Annotation() : style === "StateSchema" ? fields.Schema() : fields.Zod();
  // Builder generics differ per style; the graph is the same.
  const builder: any = new StateGraph(state as any);
  for (const [name, fn] of Object.entries(nodes)) {
    // With Annotation state only a node-side check keeps a rejected write out of the checkpoint.
    builder.addNode(name, style === "Annotation.Root" ? withWriteContract(fn, { allowed: ["claims"], role: name === "challenger" ? "verifier" : "producer" }) : fn);
  }
  builder.addEdge(START, "researcher").addEdge("researcher", "challenger").addEdge("challenger", "analyst");
  builder.addEdge("analyst", "writer").addEdge("writer", END);
  return builder.compile({ checkpointer: cp.saver, interruptBefore: ["writer"] }) as {
    invoke(input: unknown, config: object): Promise<S>;
    getState(config: object): Promise<{ values: S; next: string[] }>;
  };
}

describe("claims survive a resume from PostgreSQL", () => {
  const open: Checkpointer[] = [];
  const connect = async () => {
    const cp = await createCheckpointer({ url, schema, poolSize: 2 });
    open.push(cp);
    return cp;
  };

  beforeAll(async () => {
    await connect();
  });

  afterAll(async () => {
    const cp = open[0]!;
    await cp.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    for (const c of open) await c.close();
  });

  it.each(styles)("with %s state: lineage, verdicts and doubt are intact in a fresh graph and saver", async (style) => {
    const thread = durableConfig(`claims-${style}`);
    const attempts = { count: 0 };
    const first = build(style, open[0]!, attempts);
    await first.invoke({ intent: "How old is the library?" }, thread);
    const paused = await first.getState(thread);
    expect(paused.next).toEqual(["writer"]);

    // A new saver with its own pool and a freshly built graph: what a restarted process has.
    const cp = await connect();
    const second = build(style, cp, attempts);
    const restored = (await second.getState(thread)).values.claims;
    expect(restored).toEqual(paused.values.claims);
    expect(ClaimsStateSchema.safeParse(restored).success).toBe(true);

    // The writer's first update is invalid: it fails in the node, nothing is persisted…
    const error = await second.invoke(null, thread).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidClaimError);
    const afterFailure = await second.getState(thread);
    expect(afterFailure.values.claims).toEqual(restored);
    expect(afterFailure.next).toEqual(["writer"]);

    // …and the thread resumes.
    const { claims } = await second.invoke(null, thread);
    expect(attempts.count).toBe(2);
    const written = claims.at(-1)!;
    expect(written.origin.agent).toBe("writer");
    expect(lineage(claims, written.id).map((c) => c.id)).toEqual(["r1", "a1"]);
    expect(confirmingContexts(claims, "r1")).toBe(2);
    expect(claims[0]).toMatchObject({ status: "yellow", verifiedBy: { verifier: "challenger", evidence: ["search:0"] } });
    expect(claims.slice(1).every((c) => c.requiresVerification && c.confidence <= 0.7)).toBe(true);
  });
});
