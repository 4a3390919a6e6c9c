/**
 * The laundering attempts of issue 12, as data: each row tries to make claim "c1" green (or keep
 * it green) without a real verifier's verdict on new, existing evidence, and must end rejected
 * or not-green. Run by `laundering.test.ts` (in memory, three state styles) and
 * `laundering.int.test.ts` (PostgreSQL and the embedded default).
 */
import {
  Annotation,
  END,
  MemorySaver,
  START,
  StateGraph,
  StateSchema,
  type BaseCheckpointSaver,
} from "@langchain/langgraph";
import { z } from "zod/v4";
import {
  claimsChannel,
  claimsField,
  claimVerdicts,
  fromPosterior,
  toPosterior,
  withWriteContract,
  type Claim,
  type ClaimsUpdate,
  type ClaimVerdict,
} from "../../src/index.js";

/** What a row ended with. */
export type Outcome = { readonly rejected: Error } | { readonly claims: readonly Claim[] };

/** A state style the claims channel mounts in. */
export interface StateStyle {
  readonly name: "Annotation.Root" | "StateSchema" | "zod";
  /** A new state definition with the claims channel (verifiers: challenger, human). */
  state(): unknown;
}

const VERIFIERS = { verifiers: ["challenger", "human"] };

export const STATE_STYLES: readonly StateStyle[] = [
  { name: "Annotation.Root", state: () => Annotation.Root({ claims: claimsChannel(VERIFIERS) }) },
  { name: "StateSchema", state: () => new StateSchema({ claims: claimsChannel(VERIFIERS) }) },
  { name: "zod", state: () => z.object({ claims: claimsField(VERIFIERS) }) },
];

type S = { claims: Claim[] };
type Node = (state: S) => { claims?: ClaimsUpdate } | Promise<{ claims?: ClaimsUpdate }>;

export const C1 = { id: "c1", text: "The answer is 42", confidence: 0.9, origin: { agent: "researcher", source: "model" as const } };
const researcher: Node = () => ({ claims: [C1] });

/** The declared verifier: a node named "challenger", wrapped with its contract in Annotation state (where only node-time checks know the writer). */
function verifierNode(style: StateStyle, verdicts: (s: S) => readonly ClaimVerdict[], fetched: readonly string[] | (() => readonly string[]) = []): Node {
  const node: Node = (s) => ({ claims: claimVerdicts("challenger", verdicts(s), { fetched: typeof fetched === "function" ? fetched() : fetched }) });
  return style.name === "Annotation.Root" ? (withWriteContract(node, { allowed: ["claims"], role: "verifier" }) as unknown as Node) : node;
}

/** A linear graph of `nodes` (in order) over the style's state. */
export function chain(style: StateStyle, nodes: readonly [string, Node][], checkpointer?: BaseCheckpointSaver) {
  const b = new StateGraph(style.state() as never) as unknown as StateGraph<any, any, any, string>;
  for (const [name, fn] of nodes) b.addNode(name, fn as never);
  let prev: string = START;
  for (const [name] of nodes) {
    b.addEdge(prev as never, name as never);
    prev = name;
  }
  b.addEdge(prev as never, END);
  return b.compile(checkpointer ? { checkpointer } : {});
}

async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    const out = (await run()) as { claims?: Claim[] } | undefined;
    return { claims: out?.claims ?? [] };
  } catch (error) {
    return { rejected: error as Error };
  }
}

let threads = 0;
const thread = (checkpointer: BaseCheckpointSaver | undefined) =>
  checkpointer ? { configurable: { thread_id: `launder-${process.pid}-${Date.now()}-${++threads}` } } : {};

const green = (evidence: string): ClaimVerdict[] => [{ id: "c1", status: "green", reason: "forged", evidence: [evidence] }];

/** One attempt: its name and how to run it on a style and a checkpointer. */
export interface Attempt {
  readonly name: string;
  /** The reason it must fail: a pattern the rejection's message matches, or "not green" (accepted, but c1 is not green). */
  readonly why: RegExp | "not green";
  run(style: StateStyle, checkpointer: BaseCheckpointSaver): Promise<Outcome>;
}

/** The attempts of issue 12 and the ones it asked for (handoffs, posteriors, input, parallel writers, resumes). */
export const ATTEMPTS: readonly Attempt[] = [
  {
    name: 'a node named "sneaky" writes claimVerdicts("challenger", green)',
    why: /node "sneaky"|field "seal"/,
    run: (style, cp) => {
      const sneaky: Node = () => ({ claims: claimVerdicts("challenger", green("e1"), { fetched: ["e1"] }) });
      return outcome(() => chain(style, [["researcher", researcher], ["sneaky", sneaky]], cp).invoke({}, thread(cp)));
    },
  },
  {
    name: "a producer writes its claim and a verdict on it under the verifier's name in one update",
    why: /node "researcher"|field "seal"/,
    run: (style, cp) => {
      const producer: Node = () => ({ claims: [C1, claimVerdicts("challenger", green("e1"), { fetched: ["e1"] })] });
      return outcome(() => chain(style, [["researcher", producer]], cp).invoke({}, thread(cp)));
    },
  },
  {
    name: "the graph input carries a verdict batch",
    why: /graph input|field "seal"/,
    run: (style, cp) =>
      outcome(() => chain(style, [["researcher", () => ({})]], cp).invoke({ claims: [C1, claimVerdicts("challenger", green("e1"), { fetched: ["e1"] })] }, thread(cp))),
  },
  {
    name: 'a state edit (updateState as "challenger") carries a verdict batch',
    why: /state edit|field "seal"/,
    run: (style, cp) =>
      outcome(async () => {
        const graph = chain(style, [["researcher", researcher], ["challenger", () => ({})]], cp);
        const config = thread(cp);
        await graph.invoke({}, config);
        await graph.updateState(config, { claims: claimVerdicts("challenger", green("e1"), { fetched: ["e1"] }) }, "challenger");
        return (await graph.getState(config)).values;
      }),
  },
  {
    name: "a sealed batch copied from the verifier's stream is replayed on another thread's claim with the same id",
    // zod/StateSchema: the node-time check rejects it first (sealed in another task); Annotation: the reducer, by its seal.
    why: /seal minted for this very batch|sealed in the writing task/,
    run: (style, cp) =>
      outcome(async () => {
        const real = chain(style, [["researcher", () => ({ claims: [{ ...C1, text: "The answer is 41" }] })], ["challenger", verifierNode(style, () => green("e1"), ["e1"])]], cp);
        let captured: unknown;
        for await (const chunk of await real.stream({}, { ...thread(cp), streamMode: "updates" })) {
          const update = (chunk as Record<string, { claims?: unknown }>)["challenger"];
          if (update?.claims !== undefined) captured = update.claims;
        }
        if (captured === undefined) throw new Error("test setup: no verdict captured");
        return chain(style, [["noop", () => ({})]], cp).invoke({ claims: [C1, captured] } as never, thread(cp));
      }),
  },
  {
    name: "a sealed batch is altered after sealing (red → green)",
    why: /seal minted for this very batch|sealed in the writing task/,
    run: (style, cp) =>
      outcome(async () => {
        let captured: Record<string, unknown> | undefined;
        const real = chain(style, [["researcher", researcher], ["challenger", verifierNode(style, () => [{ id: "c1", status: "red", reason: "wrong", evidence: ["e1"] }], ["e1"])]], cp);
        const config = thread(cp);
        for await (const chunk of await real.stream({}, { ...config, streamMode: "updates" })) {
          const update = (chunk as Record<string, { claims?: Record<string, unknown> }>)["challenger"];
          if (update?.claims !== undefined) captured = update.claims;
        }
        const altered = { ...captured!, verdicts: [{ id: "c1", status: "green", reason: "wrong", evidence: ["e1"] }] };
        // Applied to the claim as the verifier judged it (unverified, no verdict yet), so only the seal can stop it.
        return chain(style, [["noop", () => ({})]], cp).invoke({ claims: [C1, altered] } as never, thread(cp));
      }),
  },
  {
    name: "the verifier lifts red → green citing evidence that exists nowhere",
    why: /evidence that exists/,
    run: (style, cp) =>
      outcome(() =>
        reviewLoop(style, [
          [[{ id: "c1", status: "red", reason: "wrong", evidence: ["e1"] }], ["e1"]],
          [green("ghost")],
        ], cp).invoke({}, thread(cp)),
      ),
  },
  {
    name: "the verifier says red → red (no evidence) → green citing the first red verdict's evidence",
    why: /no earlier verdict on this claim cited/,
    run: (style, cp) =>
      outcome(() =>
        reviewLoop(style, [
          [[{ id: "c1", status: "red", reason: "wrong", evidence: ["e1"] }], ["e1"]],
          [[{ id: "c1", status: "red", reason: "still" }]],
          [green("e1"), ["e1"]],
        ], cp).invoke({}, thread(cp)),
      ),
  },
  {
    name: "the verifier says red → yellow (new evidence) → green with no evidence",
    why: /evidence that exists/,
    run: (style, cp) =>
      outcome(() =>
        reviewLoop(style, [
          [[{ id: "c1", status: "red", reason: "wrong", evidence: ["e1"] }], ["e1"]],
          [[{ id: "c1", status: "yellow", reason: "maybe", evidence: ["e2"] }], ["e2"]],
          [[{ id: "c1", status: "green", reason: "fine" }]],
        ], cp).invoke({}, thread(cp)),
      ),
  },
  {
    name: "a handoff: red claims from an earlier run are passed on with their status edited to green",
    why: /field "status"/,
    run: (style, cp) =>
      outcome(async () => {
        const first = await chain(style, [["researcher", researcher], ["challenger", verifierNode(style, () => [{ id: "c1", status: "red", reason: "wrong", evidence: ["e1"] }], ["e1"])]], cp).invoke({}, thread(cp));
        const edited = (first.claims as Claim[]).map((c) => ({ ...c, status: "green" as const, requiresVerification: false }));
        return chain(style, [["noop", () => ({})]], cp).invoke({ claims: edited } as never, thread(cp));
      }),
  },
  {
    name: "a handoff: a claim carries a green verification copied from another claim",
    why: /verifiedBy.seal/,
    run: (style, cp) =>
      outcome(async () => {
        const other = { ...C1, id: "c0", text: "The sky is blue" };
        const first = await chain(style, [["researcher", () => ({ claims: [other] })], ["challenger", verifierNode(style, () => [{ id: "c0", status: "green", reason: "seen", evidence: ["e1"] }], ["e1"])]], cp).invoke({}, thread(cp));
        const verifiedBy = (first.claims as Claim[])[0]!.verifiedBy!;
        const forged = { ...C1, origin: { ...C1.origin, at: "2026-01-01T00:00:00.000Z", basedOn: [] }, alternatives: [], requiresVerification: false, status: "green" as const, verifiedBy };
        return chain(style, [["noop", () => ({})]], cp).invoke({ claims: [forged] } as never, thread(cp));
      }),
  },
  {
    name: "a posterior round-trip: a red claim relayed as a posterior and parsed back by the next agent",
    why: "not green",
    run: (style, cp) =>
      outcome(async () => {
        const first = await chain(style, [["researcher", researcher], ["challenger", verifierNode(style, () => [{ id: "c1", status: "red", reason: "wrong", evidence: ["e1"] }], ["e1"])]], cp).invoke({}, thread(cp));
        const posterior = toPosterior(first.claims as Claim[]).claims.map((c) => ({ ...c, status: "green", claim: c.claim, based_on: [] }));
        const relay: Node = () => ({ claims: fromPosterior({ claims: posterior }, { agent: "relay" }).map((c) => ({ ...c, id: "c1-relayed" })) });
        const out = await chain(style, [["relay", relay]], cp).invoke({}, thread(cp));
        return { claims: (out.claims as Claim[]).map((c) => ({ ...c, id: c.id === "c1-relayed" ? "c1" : c.id })) };
      }),
  },
  {
    name: "parallel writers in one superstep: the verifier says red while sneaky signs green",
    why: /node "sneaky"|field "seal"/,
    run: (style, cp) =>
      outcome(() => {
        const b = new StateGraph(style.state() as never) as unknown as StateGraph<any, any, any, string>;
        b.addNode("researcher", researcher as never)
          .addNode("challenger", verifierNode(style, () => [{ id: "c1", status: "red", reason: "wrong", evidence: ["e1"] }], ["e1"]) as never)
          .addNode("sneaky", (() => ({ claims: claimVerdicts("challenger", green("e9"), { fetched: ["e9"] }) })) as never)
          .addEdge(START, "researcher")
          .addEdge("researcher", "challenger")
          .addEdge("researcher", "sneaky")
          .addEdge("challenger", END)
          .addEdge("sneaky", END);
        return b.compile({ checkpointer: cp }).invoke({}, thread(cp));
      }),
  },
];

type Review = readonly [verdicts: readonly ClaimVerdict[], fetched?: readonly string[]];

/**
 * researcher → challenger, the declared verifier, run once per review (a self-loop): the same
 * node judges c1 again and again, as a real verifier re-reviewing would.
 */
function reviewLoop(style: StateStyle, reviews: readonly Review[], checkpointer?: BaseCheckpointSaver) {
  let turn = 0;
  const withFetched = verifierNode(style, () => reviews[turn]![0], () => reviews[turn]![1] ?? []);
  const b = new StateGraph(style.state() as never) as unknown as StateGraph<any, any, any, string>;
  b.addNode("researcher", researcher as never)
    .addNode("challenger", (async (s: S, config: unknown) => {
      try {
        return await (withFetched as (s: S, c: unknown) => unknown)(s, config);
      } finally {
        turn++;
      }
    }) as never)
    .addEdge(START, "researcher")
    .addEdge("researcher", "challenger")
    .addConditionalEdges("challenger", () => (turn < reviews.length ? "challenger" : END), ["challenger", END] as never);
  return b.compile(checkpointer ? { checkpointer } : {});
}

/** True when the outcome is a rejection or leaves c1 (and every claim) not green. */
export function launderingFailed(o: Outcome): boolean {
  if ("rejected" in o) return true;
  const c1 = o.claims.find((c) => c.id === "c1");
  return c1 === undefined || c1.status !== "green";
}

/** A fresh in-memory checkpointer. */
export const memory = () => new MemorySaver();
