import type { ReducedZodChannel } from "@langchain/langgraph/zod";
import type { z } from "zod/v4";
import { ClaimsStateSchema, type Claim, type ClaimsUpdate } from "./claim-schema.js";
import { resolveClaimsOptions, type ClaimsOptions, type ResolvedClaimsOptions } from "./claims-options.js";
import { applyClaimsUpdate, checkClaimsUpdateShape, precheckClaimsUpdate } from "./reduce-claims.js";
import { InvalidClaimError } from "./errors.js";
import { authorizeVerdicts, writingNode } from "./verifier-identity.js";
import { checkSubgraphVerdicts, currentTask } from "./writing-task.js";
import { reducerChannel, reducerField, type ReducerChannel, type ReducerSpec } from "../internal/state-field.js";
import { BinaryOperatorAggregate } from "@langchain/langgraph";
import { freezeOnLoad } from "./load-freeze.js";
import { isOverwrite, overwriteRejected } from "./overwrite.js";

/**
 * The claims channel: a LangGraph reducer field holding `Claim[]` and accepting
 * `ClaimsUpdate`s. The same object mounts in `Annotation.Root` and in `StateSchema`; it
 * carries its resolved options for helpers such as `withWriteContract`.
 */
export type ClaimsChannel = ReducerChannel<Claim[], ClaimsUpdate> & {
  /** The options this channel was created with, defaults applied. */
  readonly claimsOptions: ResolvedClaimsOptions;
};

/** The claims field of a zod state object (see {@link claimsField}). */
export type ClaimsField = ReducedZodChannel<typeof ClaimsStateSchema, z.ZodType<ClaimsUpdate>>;

function specFor(opts: ResolvedClaimsOptions): ReducerSpec<Claim[], ClaimsUpdate> {
  return {
    reducer: freezeOnLoad((current: Claim[], update: ClaimsUpdate) => applyClaimsUpdate(current, update, opts)),
    initial: () => [],
    // LangGraph validates an `Overwrite`'s value with the value schema (StateSchema and zod
    // state, in the writing node, for graph input and `updateState`) and then stores it without
    // calling the reducer: the claims channel refuses it there.
    valueSchema: refuseOverwrite(ClaimsStateSchema, opts),
    key: opts.key,
    precheck: (update, current) => {
      // Identity: the writing node is known here (LangGraph's config), so a verdict batch it
      // signed with its own name is sealed, and one signed with another name is rejected.
      const writer = writingNode();
      const task = writer === undefined ? undefined : currentTask();
      try {
        // The update is checked as plain data and frozen: what is checked here is what is applied and saved.
        const { checked, sealedNow } = authorizeVerdicts(update, Array.isArray(current) ? current : undefined, opts, writer, task);
        checkSubgraphVerdicts(checked, { node: writer, task }, opts);
        if (Array.isArray(current)) precheckClaimsUpdate(current, update, opts, sealedNow, checked);
        else checkClaimsUpdateShape(checked, opts);
      } catch (error) {
        // The node is known here (the reducer cannot know it): every rejection names it.
        throw writer !== undefined && error instanceof InvalidClaimError ? error.withNode(writer) : error;
      }
    },
  };
}

/**
 * Creates the claims channel (the Epistemic Boundary Protocol's state): every claim travels
 * with its origin, its author's confidence, its lineage and its verification status, and
 * the reducer enforces the rules listed on `reduceClaims` — validation of the whole update,
 * doubt propagation, the confidence cap, and statuses set by verdicts only.
 *
 * Mount it in `Annotation.Root` or `new StateSchema({...})`; for a zod object use
 * {@link claimsField}. In zod and `StateSchema` state an invalid update fails the node that
 * wrote it (before LangGraph records the write), and a verdict batch counts only when the
 * node writing it is the verifier it names (see `claimVerdicts` for the identity model). With
 * `Annotation.Root` the reducer is the only check: it cannot see the writing node, so it
 * accepts only verdict batches sealed by a node-time check — wrap verifier nodes with
 * `withWriteContract(node, { allowed, role: "verifier" })`, or use `createChallenger`'s node
 * or a guard — and LangGraph 1.7 keeps a rejected write in the checkpoint's pending writes
 * and re-applies it on every resume: wrap claim-writing nodes with `withWriteContract` so
 * the check runs inside the node, or use a `StateSchema`. LangGraph's `new Overwrite(value)`
 * would bypass the reducer: the channel rejects it whole (`InvalidClaimError` on field `claims`).
 *
 * @example
 * ```ts
 * import { Annotation, StateGraph, StateSchema } from "@langchain/langgraph";
 * import { claimsChannel, intentChannel } from "langgraph-firebreak";
 *
 * const State = Annotation.Root({ intent: intentChannel(), claims: claimsChannel() });
 * // or
 * const State2 = new StateSchema({ intent: intentChannel(), claims: claimsChannel({ verifiers: ["challenger"] }) });
 * ```
 */
export function claimsChannel(options?: ClaimsOptions): ClaimsChannel {
  const opts = resolveClaimsOptions(options);
  const spec = specFor(opts);
  // The Annotation.Root form is this very channel: a subclass that refuses `Overwrite` (the
  // base class stores it without the reducer); what it loads is frozen as in every style (load-freeze.ts).
  const channel = Object.assign(new ClaimsAggregate(spec.reducer, spec.initial, opts), reducerChannel(spec));
  return Object.assign(channel, { claimsOptions: opts }) as unknown as ClaimsChannel;
}

/** Wraps the stored value's schema so that validating it — what LangGraph does to an `Overwrite` — rejects. */
function refuseOverwrite<S extends z.ZodType<Claim[]>>(schema: S, opts: ResolvedClaimsOptions): S {
  return schema.superRefine(() => {
    throw overwriteRejected(opts);
  }) as unknown as S;
}

/** LangGraph's `BinaryOperatorAggregate` for the claims: every update goes through the reducer. */
class ClaimsAggregate extends BinaryOperatorAggregate<Claim[], ClaimsUpdate> {
  constructor(
    operator: (current: Claim[], update: ClaimsUpdate) => Claim[],
    initial: () => Claim[],
    private readonly claimsOpts: ResolvedClaimsOptions,
  ) {
    super(operator, initial);
  }

  // The loaded value is frozen by the base class's fromCheckpoint (load-freeze.ts: the operator is a
  // claims reducer); this keeps the subclass, so `update` still refuses an Overwrite after a load.
  override fromCheckpoint(checkpoint?: Claim[]): this {
    const base = super.fromCheckpoint(checkpoint);
    return Object.assign(new ClaimsAggregate(this.operator, this.initialValueFactory!, this.claimsOpts), base) as this;
  }

  override update(values: ClaimsUpdate[]): boolean {
    for (const value of values) if (isOverwrite(value)) throw overwriteRejected(this.claimsOpts);
    return super.update(values);
  }
}

/**
 * Creates the claims field for a zod state object (`z` from `"zod/v4"`), with the same
 * rules as {@link claimsChannel}; every update is checked in the node that wrote it.
 *
 * @example
 * ```ts
 * import { z } from "zod/v4";
 * import { StateGraph } from "@langchain/langgraph";
 * import { claimsField, intentField } from "langgraph-firebreak";
 *
 * const State = z.object({ intent: intentField(), claims: claimsField() });
 * const builder = new StateGraph(State);
 * ```
 */
export function claimsField(options?: ClaimsOptions): ClaimsField {
  const opts = resolveClaimsOptions(options, "claimsField");
  return reducerField(specFor(opts), refuseOverwrite(ClaimsStateSchema.clone(), opts)) as unknown as ClaimsField;
}

/**
 * The channel's reducer as a plain function, for `Annotation<Claim[], ClaimsUpdate>({ reducer,
 * default: () => [] })` or your own channel types.
 *
 * @example
 * ```ts
 * const State = Annotation.Root({ claims: Annotation<Claim[], ClaimsUpdate>({ reducer: claimsReducer(), default: () => [] }) });
 * ```
 */
export function claimsReducer(options?: ClaimsOptions): (current: Claim[], update: ClaimsUpdate) => Claim[] {
  const opts = resolveClaimsOptions(options, "claimsReducer");
  return freezeOnLoad((current: Claim[], update: ClaimsUpdate) => applyClaimsUpdate(current, update, opts));
}
