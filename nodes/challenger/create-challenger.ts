import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { ToolMessage, type AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { isGraphBubbleUp, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { Claim } from "../../src/claims/claim-schema.js";
import { signReview } from "../../src/claims/verifier-identity.js";
import { InvalidOutputError } from "../../src/internal/invalid-output-error.js";
import { emitFirebreakEvent } from "../../src/internal/events.js";
import { quote } from "../../src/internal/quote.js";
import { parseChallengerOptions } from "./challenger-options.js";
import { buildChallengePrompt, buildEvidencePrompt, VERDICT_FUNCTION } from "./challenger-prompt.js";
import { readIntent, type IntentSelector } from "./intent.js";
import { selectForReview, type ReviewPolicy } from "./review-policy.js";
import type { ChallengeRequest, ChallengeResult, ClaimUnderReview, EvidenceItem } from "./types.js";
import { VerdictReplySchema, type ClaimJudgement, type Verdict } from "./verdict-schema.js";

/** Fetches evidence for a request: any function returning evidence items. */
export type EvidenceFetcher = (
  request: ChallengeRequest,
  config: RunnableConfig | undefined,
) => readonly EvidenceItem[] | Promise<readonly EvidenceItem[]>;

/** A retriever (any LangChain `BaseRetriever`): queried once per claim with the claim's text. */
export interface EvidenceRetriever {
  invoke(query: string, config?: RunnableConfig): Promise<Array<{ pageContent: string; metadata?: Record<string, unknown>; id?: string }>>;
}

/**
 * Where the challenger gets evidence the producer's chain lacks (arXiv:2603.26993: a verifier
 * only helps when it brings new information): a function, a retriever, or tools its model
 * may call before judging.
 */
export type EvidenceSource = EvidenceFetcher | EvidenceRetriever | readonly StructuredToolInterface[];

/** Options of {@link createChallenger}. */
export interface ChallengerOptions {
  /** The judging model. It must support `withStructuredOutput` (and `bindTools` when `evidence` is tools). */
  model: BaseChatModel;
  /** Evidence the challenger fetches itself. @default none: the challenger judges on the intent alone */
  evidence?: EvidenceSource;
  /** Extra instructions appended to the fixed system prompt. @default "" */
  instructions?: string;
  /**
   * Which claims the node form reviews (see {@link ReviewPolicy}). A guard applies its own
   * policy and ignores this one unless it sets none.
   * @default "strict"
   */
  policy?: ReviewPolicy;
  /** Whether the producer whose claims are reviewed is a hub, for `"balanced"`. @default false */
  hub?: boolean;
  /** Confidence below which a claim needs review under `"balanced"`. @default 0.8 */
  confidenceFloor?: number;
  /** The verifier name its verdicts are signed with. @default "challenger" */
  name?: string;
  /** Where the node form reads the original intent (`"messages"` opts in to the first human message). @default the `intent` channel, then `task`; never `messages` unless named */
  intent?: IntentSelector;
  /** The state key of the claims channel, for the node form. @default "claims" */
  claimsKey?: string;
  /** How many rounds of tool calls the evidence phase may take, when `evidence` is tools. @default 3 */
  maxToolRounds?: number;
  /**
   * The label given to a claim the model returned no valid verdict for (a malformed reply, an
   * unknown id, a missing claim). Fail closed: it is never `"green"`.
   * @default "yellow"
   */
  onInvalidReply?: Exclude<Verdict, "green">;
}

/** {@link ChallengerOptions} after defaults. */
export interface ResolvedChallengerOptions {
  readonly model: BaseChatModel;
  readonly evidence: EvidenceSource | undefined;
  readonly instructions: string | undefined;
  readonly policy: ReviewPolicy;
  readonly hub: boolean;
  readonly confidenceFloor: number;
  readonly name: string;
  readonly intent: IntentSelector | undefined;
  readonly claimsKey: string;
  readonly maxToolRounds: number;
  readonly onInvalidReply: Exclude<Verdict, "green">;
}

/**
 * A fresh-context challenger. Call it as a graph node — it reads only the intent and the
 * unverified claims of the state (a projection; nothing else reaches its model) and writes
 * verdicts to the claims channel — or call {@link Challenger.review} as a plain function.
 */
export interface Challenger {
  (state: Record<string, unknown>, config?: LangGraphRunnableConfig): Promise<Record<string, unknown>>;
  /** Judges the claims of a request: the plain-function form. */
  review(request: ChallengeRequest, config?: RunnableConfig): Promise<ChallengeResult>;
  /** The request the node form builds from a state: the projection, exposed for tests and tools. */
  project(state: Record<string, unknown>): ChallengeRequest;
  /** The resolved options. */
  readonly options: ResolvedChallengerOptions;
}

function resolveOptions(options: ChallengerOptions): ResolvedChallengerOptions {
  const o = parseChallengerOptions(options);
  return Object.freeze({
    model: o.model,
    evidence: o.evidence,
    instructions: o.instructions || undefined,
    policy: o.policy ?? "strict",
    hub: o.hub ?? false,
    confidenceFloor: o.confidenceFloor ?? 0.8,
    name: o.name ?? "challenger",
    intent: o.intent,
    claimsKey: o.claimsKey ?? "claims",
    maxToolRounds: o.maxToolRounds ?? 3,
    onInvalidReply: o.onInvalidReply ?? "yellow",
  });
}

/**
 * Creates a fresh-context challenger: an independent verifier that sees only the original
 * intent and the claims under review (plus evidence it fetches itself), and returns a
 * verdict per claim — green (entailed), yellow (unsupported) or red (contradicted) — with
 * reasons. Claims reach its model as delimited JSON data and its answer is read through
 * structured output, so text inside a claim cannot change the verdict format; a reply that
 * is not a valid verdict fails closed (never green).
 *
 * @example
 * const challenger = createChallenger({ model: new ChatOpenAI({ model: "gpt-4o-mini" }), evidence: search });
 * // as a plain function
 * const { judgements } = await challenger.review({ intent: "…", claims: [{ id: "c1", text: "…" }] });
 * // as a node: reads `intent`/`task` and the unverified claims, writes verdicts to `claims`
 * builder.addNode("challenger", challenger, { metadata: { firebreak: { role: "verifier" } } });
 */
export function createChallenger(options: ChallengerOptions): Challenger {
  const resolved = resolveOptions(options);
  const structured = resolved.model.withStructuredOutput(VerdictReplySchema, { name: VERDICT_FUNCTION, includeRaw: true });

  const review = async (request: ChallengeRequest, config?: RunnableConfig): Promise<ChallengeResult> => {
    const claims = request.claims.map(checkClaim);
    if (claims.length === 0) return { judgements: [], evidence: [], valid: true };
    const clean: ChallengeRequest = { intent: String(request.intent ?? ""), claims };
    const evidence = await fetchEvidence(resolved, clean, config);
    const prompt = buildChallengePrompt(clean, resolved.evidence === undefined ? undefined : evidence, resolved.instructions);
    const reply = (await structured.invoke(prompt, config)) as { parsed: unknown };
    return judge(clean.claims, reply?.parsed, evidence, resolved.onInvalidReply);
  };

  const project = (state: Record<string, unknown>): ChallengeRequest => {
    const stored = state[resolved.claimsKey];
    const all = Array.isArray(stored) ? (stored as Claim[]) : [];
    const known = all.map((c) => ({ id: c.id, text: c.text, status: c.status }));
    const candidates = all.filter((c) => c.status === "unverified");
    const selected = selectForReview(
      candidates.map((c) => ({ id: c.id, text: c.text, confidence: c.confidence, requiresVerification: c.requiresVerification, basedOn: c.origin?.basedOn, claim: c })),
      { policy: resolved.policy, hub: resolved.hub, confidenceFloor: resolved.confidenceFloor, known },
    );
    return {
      intent: readIntent(state, resolved.intent),
      claims: selected.map(({ claim }) => (claim.value === undefined ? { id: claim.id, text: claim.text } : { id: claim.id, text: claim.text, value: claim.value })),
    };
  };

  const node = async (state: Record<string, unknown>, config?: LangGraphRunnableConfig): Promise<Record<string, unknown>> => {
    // The projection is taken first and is all `review` ever receives: no other channel can reach the model.
    const request = project(state);
    if (request.claims.length === 0) return {};
    const result = await review(request, config);
    await emitFirebreakEvent(
      "verdict",
      { verifier: resolved.name, claimIds: result.judgements.map((j) => j.claimId), verdicts: result.judgements.map((j) => j.verdict), valid: result.valid },
      config,
    );
    // Sealed here: this node is the verifier its name says, whatever node name it was added under.
    const stored = state[resolved.claimsKey];
    return {
      [resolved.claimsKey]: signReview(
        resolved.name,
        result.judgements.map((j) => ({ id: j.claimId, status: j.verdict, reason: j.reasons.join(" "), evidence: [...j.evidence] })),
        result.evidence.map((e) => e.id),
        Array.isArray(stored) ? (stored as Claim[]) : [],
      ),
    };
  };

  return Object.assign(node, { review, project, options: resolved }) as Challenger;
}

function checkClaim(claim: ClaimUnderReview, index: number): ClaimUnderReview {
  if (typeof claim?.id !== "string" || claim.id.length === 0 || typeof claim.text !== "string") {
    throw new InvalidOutputError({ source: "challenger", expected: "claims with a non-empty string id and a text", received: quote(claim) }, `challenger: claim ${index} needs a non-empty string id and a text, got ${quote(claim)}.`);
  }
  return { id: claim.id, text: claim.text, ...(claim.value === undefined ? {} : { value: claim.value }), ...(claim.details === undefined ? {} : { details: claim.details }) };
}

/** Maps the model's reply onto the claims, failing closed for every claim without a valid verdict. */
function judge(
  claims: readonly ClaimUnderReview[],
  parsed: unknown,
  evidence: readonly EvidenceItem[],
  fallback: Exclude<Verdict, "green">,
): ChallengeResult {
  const reply = VerdictReplySchema.safeParse(parsed);
  const byId = new Map<string, { verdict: Verdict; reasons: string[]; evidence: string[] }>();
  // Two different verdicts for one claim are no verdict: that claim fails closed.
  const conflicting = new Set<string>();
  if (reply.success) {
    for (const v of reply.data.verdicts) {
      const first = byId.get(v.claim_id);
      if (first === undefined) byId.set(v.claim_id, v);
      else if (first.verdict !== v.verdict) conflicting.add(v.claim_id);
    }
  }
  let valid = reply.success;
  const fetched = new Set(evidence.map((e) => e.id));
  const judgements: ClaimJudgement[] = claims.map((claim) => {
    if (conflicting.has(claim.id)) {
      valid = false;
      return { claimId: claim.id, verdict: fallback, reasons: ["The challenger gave this claim conflicting verdicts; failing closed."], evidence: [], fromModel: false };
    }
    const v = byId.get(claim.id);
    const unfetched = v?.evidence.filter((id) => !fetched.has(id)) ?? [];
    if (v !== undefined && unfetched.length > 0) {
      // A verdict resting on evidence nobody fetched is no verdict: fail closed.
      valid = false;
      return {
        claimId: claim.id,
        verdict: fallback,
        reasons: [`The challenger's verdict cited evidence it never fetched (${unfetched.slice(0, 5).map((id) => JSON.stringify(id.slice(0, 80))).join(", ")}); failing closed.`],
        evidence: [],
        fromModel: false,
      };
    }
    if (v === undefined) {
      valid = false;
      return {
        claimId: claim.id,
        verdict: fallback,
        reasons: [reply.success ? "The challenger returned no verdict for this claim." : "The challenger's reply was not a valid verdict; failing closed."],
        evidence: [],
        fromModel: false,
      };
    }
    return { claimId: claim.id, verdict: v.verdict, reasons: [...v.reasons], evidence: [...v.evidence], fromModel: true };
  });
  return { judgements, evidence, valid };
}

async function fetchEvidence(options: ResolvedChallengerOptions, request: ChallengeRequest, config: RunnableConfig | undefined): Promise<EvidenceItem[]> {
  const source = options.evidence;
  if (source === undefined) return [];
  if (typeof source === "function") return [...(await source(request, config))];
  if (Array.isArray(source)) return toolEvidence(options, source as readonly StructuredToolInterface[], request, config);
  const retriever = source as EvidenceRetriever;
  const out: EvidenceItem[] = [];
  for (const claim of request.claims) {
    const docs = await retriever.invoke(claim.text, config);
    docs.forEach((doc, i) => {
      const ref = doc.id ?? (typeof doc.metadata?.["source"] === "string" ? (doc.metadata["source"] as string) : undefined);
      out.push({ id: `doc:${claim.id}:${i + 1}`, content: doc.pageContent, ...(ref === undefined ? {} : { source: ref }) });
    });
  }
  return out;
}

/** The evidence phase with tools: the model sees the request only, calls tools, and their outputs become evidence. */
async function toolEvidence(
  options: ResolvedChallengerOptions,
  tools: readonly StructuredToolInterface[],
  request: ChallengeRequest,
  config: RunnableConfig | undefined,
): Promise<EvidenceItem[]> {
  const byName = new Map(tools.map((t) => [t.name, t]));
  const bound = options.model.bindTools!([...tools]);
  const messages: BaseMessage[] = buildEvidencePrompt(request, options.instructions);
  const evidence: EvidenceItem[] = [];
  for (let round = 0; round < options.maxToolRounds; round++) {
    const reply = (await bound.invoke(messages, config)) as AIMessage;
    const calls = reply.tool_calls ?? [];
    if (calls.length === 0) break;
    messages.push(reply);
    for (const call of calls) {
      const id = call.id ?? `call_${round}_${evidence.length}`;
      const tool = byName.get(call.name);
      let content: string;
      if (tool === undefined) {
        content = `No tool named "${call.name}".`;
      } else {
        try {
          const out = await tool.invoke({ ...call, id, type: "tool_call" }, config);
          content = ToolMessage.isInstance(out) ? textOf(out.content) : textOf(out);
        } catch (error) {
          if (isGraphBubbleUp(error)) throw error;
          content = `Tool error: ${error instanceof Error ? error.message : String(error)}`;
        }
      }
      evidence.push({ id: `tool:${call.name}:${evidence.length + 1}`, content, source: call.name });
      messages.push(new ToolMessage({ content, tool_call_id: id, name: call.name }));
    }
  }
  return evidence;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === "string" ? p : typeof p?.text === "string" ? p.text : JSON.stringify(p))).join("");
  return JSON.stringify(content) ?? String(content);
}
