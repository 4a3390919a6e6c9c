import { Command, isCommand, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { Claim } from "./claim-schema.js";
import type { ClaimsChannel } from "./claims-channel.js";
import { positionOf } from "./claims-index.js";
import { resolveClaimsOptions, type ClaimsOptions, type ResolvedClaimsOptions } from "./claims-options.js";
import { InvalidClaimError, WriteContractError } from "./errors.js";
import { reduceIntent, type Intent } from "./intent.js";
import { checkClaimsUpdateShape, precheckClaimsUpdate } from "./reduce-claims.js";
import { snapshot } from "./snapshot.js";
import { parseVerdictBatch } from "./apply-verdicts.js";
import { isClaimVerdicts } from "./verdicts.js";
import { signVerdicts } from "./verifier-identity.js";
import { checkSubgraphVerdicts, currentTask } from "./writing-task.js";
import { currentNodeName } from "../internal/node-name.js";
import { quote } from "../internal/quote.js";

/** What a node does with claims: makes them (`"producer"`) or judges them (`"verifier"`). */
export type ContractRole = "producer" | "verifier";

/** A node's write contract; see {@link withWriteContract}. */
export interface WriteContract {
  /** The state keys the node may write. Any other key is rejected. */
  readonly allowed: readonly string[];
  /**
   * The node's name, used in errors and for attribution (`origin.agent`, `setBy`). It does not
   * make the node a verifier: verdict batches are signed by the running node (LangGraph's
   * `langgraph_node`, or the guarded node inside a BICR guard) and rejected when they name
   * another verifier.
   * @default the running node's name: inside a BICR guard the guarded node, else LangGraph's `langgraph_node`
   */
  readonly name?: string;
  /**
   * `"producer"` nodes may not write verdicts; `"verifier"` nodes may, signed with their
   * own name only.
   * @default the node metadata's `firebreak.role` (`addNode(name, fn, { metadata: { firebreak: { role: "verifier" } } })`), else `"producer"`
   */
  readonly role?: ContractRole;
  /**
   * The claims channel (its options drive the check) or its options; `false` turns claims
   * handling off. Claims are looked for under the options' `key`.
   * @default the default claims options (key `"claims"`)
   */
  readonly claims?: ClaimsChannel | ClaimsOptions | false;
  /**
   * The key of the write-once intent channel, or `false`.
   * @default "intent"
   */
  readonly intentKey?: string | false;
}

/** A node: a function of state and config, or a runnable such as a compiled graph. */
export type ContractNode<S, U> =
  | ((state: S, config: LangGraphRunnableConfig) => U | Promise<U>)
  | { invoke(state: S, config?: LangGraphRunnableConfig): Promise<U> };

/**
 * Wraps a node so it can only write what its contract allows, and checks what it writes
 * **inside the node**, before LangGraph records the write:
 * - a key outside `allowed` throws {@link WriteContractError} naming the node and the key;
 * - claims: new claims get `origin.agent` = the node (a different author is rejected),
 *   a producer cannot write verdicts, a verifier signs verdicts with its own name (and the
 *   batch is then sealed, so the channel's reducer accepts it in any state style, also when
 *   LangGraph re-applies the saved write after a restart), and the
 *   whole claims update is checked against the node's input state with the channel's rules
 *   (so an invalid update fails this node and is never persisted — with `Annotation` state
 *   this is the only place that can happen before the reducer);
 * - intent: `setBy` is filled with the node's name and a second, different intent throws
 *   `IntentAlreadySetError` naming both writers.
 * The node's result keeps its shape (object, `Command`, or a list of them).
 *
 * @example
 * ```ts
 * builder
 *   .addNode("researcher", withWriteContract(researcher, { allowed: ["claims", "messages"] }))
 *   .addNode("challenger", withWriteContract(challenger, { allowed: ["claims"], role: "verifier" }));
 * ```
 */
export function withWriteContract<S, U>(
  node: ContractNode<S, U>,
  contract: WriteContract,
): (state: S, config: LangGraphRunnableConfig) => Promise<U> {
  const allowed = new Set(contract.allowed);
  const claimsOptions =
    contract.claims === false
      ? undefined
      : resolveClaimsOptions(
          contract.claims !== undefined && "claimsOptions" in contract.claims
            ? contract.claims.claimsOptions
            : (contract.claims as ClaimsOptions | undefined),
          "withWriteContract: claims",
        );
  const intentKey = contract.intentKey === undefined ? "intent" : contract.intentKey;
  const run = typeof node === "function" ? node : (state: S, config: LangGraphRunnableConfig) => node.invoke(state, config);

  return async (state: S, config: LangGraphRunnableConfig): Promise<U> => {
    const metadata = (config?.metadata ?? {}) as { firebreak?: { role?: ContractRole } };
    const running = currentNodeName(config);
    const ctx: Context = {
      node: contract.name ?? running ?? "unknown node",
      running,
      task: currentTask(config),
      role: contract.role ?? metadata.firebreak?.role ?? "producer",
      allowed,
      claimsOptions,
      intentKey,
      state: (typeof state === "object" && state !== null ? state : {}) as Record<string, unknown>,
    };
    const result = await run(state, config);
    return enforce(result, ctx) as U;
  };
}

interface Context {
  /** The name the node writes under (`name`, else the running node). */
  readonly node: string;
  /** The running node, from LangGraph's config (inside a guard: the guarded node). Verdicts are signed by it only. */
  readonly running: string | undefined;
  /** The running task (checkpoint namespace), to tell verdicts coming back from a subgraph it ran. */
  readonly task: string | undefined;
  readonly role: ContractRole;
  readonly allowed: ReadonlySet<string>;
  readonly claimsOptions: ResolvedClaimsOptions | undefined;
  readonly intentKey: string | false;
  readonly state: Record<string, unknown>;
}

function enforce(result: unknown, ctx: Context, toParent = false): unknown {
  if (result === null || result === undefined) return result;
  if (isCommand(result)) {
    const parent = toParent || result.graph === Command.PARENT;
    const update = result.update;
    if (update === undefined || update === null) return result;
    const next = Array.isArray(update)
      ? (update as [string, unknown][]).map(([key, value]) => [key, checkWrite(key, value, ctx, parent)] as [string, unknown])
      : enforceObject(update as Record<string, unknown>, ctx, parent);
    return new Command({ graph: result.graph, update: next, resume: result.resume, goto: result.goto } as never);
  }
  if (Array.isArray(result)) return result.map((item) => enforce(item, ctx, toParent));
  if (typeof result === "object") return enforceObject(result as Record<string, unknown>, ctx, toParent);
  return result;
}

function enforceObject(update: Record<string, unknown>, ctx: Context, toParent: boolean): Record<string, unknown> {
  let out = update;
  for (const [key, value] of Object.entries(update)) {
    const checked = checkWrite(key, value, ctx, toParent);
    if (checked !== value) {
      if (out === update) out = { ...update };
      out[key] = checked;
    }
  }
  return out;
}

function checkWrite(key: string, value: unknown, ctx: Context, toParent: boolean): unknown {
  if (!ctx.allowed.has(key)) {
    throw new WriteContractError(
      ctx.node,
      key,
      `Node "${ctx.node}" wrote state key "${key}", which its write contract does not allow ` +
        `(allowed: ${[...ctx.allowed].map((k) => `"${k}"`).join(", ") || "none"}). ` +
        `Remove the write, or add "${key}" to the node's contract if it is intended.`,
    );
  }
  if (ctx.claimsOptions !== undefined && key === ctx.claimsOptions.key) return checkClaims(value, ctx, toParent);
  if (ctx.intentKey !== false && key === ctx.intentKey) return checkIntent(value, ctx, toParent);
  return value;
}

function checkClaims(value: unknown, ctx: Context, toParent: boolean): unknown {
  if (value === null || value === undefined) return value;
  const opts = ctx.claimsOptions!;
  const stored = toParent ? undefined : ctx.state[opts.key];
  const claims = Array.isArray(stored) ? (stored as readonly Claim[]) : undefined;
  // One reading of what the node wrote (snapshot.ts): the author and signer checks, the seal and
  // what the channel applies all judge that reading, whatever a getter or a Proxy answers later.
  const taken = snapshot(value);
  const items: unknown[] = Array.isArray(taken) ? taken : [taken];
  let changed = taken !== value;
  const out = items.map((item) => {
    if (typeof item !== "object" || item === null) return item;
    if (isClaimVerdicts(item)) {
      if (ctx.role !== "verifier") {
        throw new WriteContractError(
          ctx.node,
          opts.key,
          `Node "${ctx.node}" wrote a verdict batch but is not a verifier: only a verifier may change a claim's ` +
            `status. Give the node role "verifier" in its contract or its metadata ({ firebreak: { role: "verifier" } }), ` +
            `or write new claims instead.`,
        );
      }
      checkSigner(item, ctx, opts.key);
      return item;
    }
    const claim = item as Record<string, any>;
    const id = typeof claim["id"] === "string" ? claim["id"] : undefined;
    if (id !== undefined && claims !== undefined && positionOf(claims, id) >= 0) return item; // a stored claim, echoed
    const agent = claim["origin"]?.agent;
    if (agent === undefined) {
      changed = true;
      return { ...claim, origin: { ...(claim["origin"] ?? {}), agent: ctx.node } };
    }
    if (agent !== ctx.node) {
      throw new WriteContractError(
        ctx.node,
        opts.key,
        `Node "${ctx.node}" wrote a new claim${id ? ` ${quote(id, 60)}` : ""} in the name of ${quote(agent, 60)}: a node makes ` +
          `claims in its own name. Write a stored claim back unchanged, or base a new claim on it (origin.basedOn).`,
      );
    }
    return item;
  });
  // Seal the verdict batches (after the claims are final: the seal binds the claims it judges).
  const sealedNow = new Set<object>();
  for (let i = 0; i < out.length; i++) {
    const item = out[i];
    if (!isClaimVerdicts(item) || (item as { seal?: unknown }).seal !== undefined) continue;
    try {
      parseVerdictBatch(opts, i, item); // a malformed batch is named here, before the sealer reads its verdicts
    } catch (error) {
      throw error instanceof InvalidClaimError ? error.withNode(ctx.running ?? ctx.node) : error;
    }
    out[i] = signVerdicts(item, claims, out, i, opts.now, ctx.task);
    sealedNow.add(out[i] as object);
    changed = true;
  }
  const next = changed ? (Array.isArray(taken) ? out : out[0]) : value;
  try {
    if (!toParent) checkSubgraphVerdicts(next as never, { node: ctx.running ?? ctx.node, task: ctx.task }, opts);
    if (claims !== undefined) precheckClaimsUpdate(claims, next as never, opts, sealedNow);
    else checkClaimsUpdateShape(next as never, opts);
  } catch (error) {
    throw error instanceof InvalidClaimError ? error.withNode(ctx.running ?? ctx.node) : error;
  }
  return next;
}

/**
 * A verdict batch is signed by the running node, read from LangGraph's config (inside a
 * guard: the guarded node), never by the contract's `name` alone: a node cannot sign as
 * another verifier by declaring its name.
 */
function checkSigner(batch: { readonly verifier: unknown; readonly verdicts?: readonly { readonly id?: unknown }[] }, ctx: Context, key: string): void {
  const claimId = typeof batch.verdicts?.[0]?.id === "string" ? batch.verdicts[0].id : undefined;
  const verifier = String(batch.verifier);
  const on = claimId === undefined ? "" : ` on claim ${quote(claimId, 60)}`;
  if (ctx.running === undefined) {
    throw new WriteContractError(
      ctx.node,
      key,
      `Node ${quote(ctx.node, 60)} signed a verdict batch as ${quote(verifier, 60)}${on} outside a graph run: a verdict is ` +
        `sealed only where LangGraph names the running node. Add the node to a graph (the node named ${quote(verifier, 60)}).`,
      { claimId, verifier },
    );
  }
  if (batch.verifier === ctx.running) return;
  const declared = ctx.node !== ctx.running ? ` (its contract's name ${quote(ctx.node, 60)} does not make it that verifier)` : "";
  throw new WriteContractError(
    ctx.running,
    key,
    `Node ${quote(ctx.running, 60)} signed a verdict batch as ${quote(verifier, 60)}${on}${declared}: a verdict counts ` +
      `only when the node the graph declares as that verifier writes it, signed with its own node name. Write the verdict from ` +
      `the node named ${quote(verifier, 60)}, or sign as ${quote(ctx.running, 60)} and list it in the channel's verifiers.`,
    { claimId, verifier },
  );
}

function checkIntent(value: unknown, ctx: Context, toParent: boolean): unknown {
  if (value === null || value === undefined) return value;
  let next = value;
  if (typeof value === "string") next = { text: value, setBy: ctx.node };
  else if (typeof value === "object" && !Array.isArray(value)) {
    const setBy = (value as { setBy?: unknown }).setBy;
    if (setBy === undefined) next = { ...value, setBy: ctx.node };
    else if (setBy !== ctx.node) {
      throw new WriteContractError(
        ctx.node,
        ctx.intentKey as string,
        `Node "${ctx.node}" wrote the intent with setBy ${quote(setBy, 60)}: a node writes in its own name.`,
      );
    }
  }
  const current = toParent ? undefined : ctx.state[ctx.intentKey as string];
  reduceIntent(current === undefined ? null : (current as Intent | null), next as never);
  return next;
}
