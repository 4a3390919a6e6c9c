import type { ReducedZodChannel } from "@langchain/langgraph/zod";
import { z } from "zod/v4";
import { IntentAlreadySetError } from "./errors.js";
import { fromZodError } from "./reduce-claims.js";
import { reducerChannel, reducerField, type ReducerChannel, type ReducerSpec } from "../internal/state-field.js";
import { invalidOption } from "../internal/options-schema.js";

const isoTime = z.iso.datetime({ offset: true });

/** The original intent as stored: the task every agent serves, set once per thread. */
export const IntentSchema = z.strictObject({
  /** The task, in the words of whoever set it. */
  text: z.string().min(1),
  /** Constraints every agent must respect (budgets, scope, forbidden actions…). */
  constraints: z.array(z.string().min(1)),
  /** Node name of the writer, when it said (see `withWriteContract`). */
  setBy: z.string().min(1).optional(),
  /** ISO time it was recorded. */
  at: isoTime,
  /** Pass-through JSON data. */
  meta: z.record(z.string(), z.json()).optional(),
});
/** The original intent as stored. */
export type Intent = z.infer<typeof IntentSchema>;

/** What may be written to the intent channel: the task text, or an object. */
export const IntentInputSchema = z.union([
  z.string().min(1),
  z.strictObject({
    text: z.string().min(1),
    constraints: z.array(z.string().min(1)).default([]),
    setBy: z.string().min(1).optional(),
    at: isoTime.optional(),
    meta: z.record(z.string(), z.json()).optional(),
  }),
]);
/** What may be written to the intent channel. */
export type IntentInput = z.input<typeof IntentInputSchema>;
/** An intent channel update; `null`/`undefined` change nothing. */
export type IntentUpdate = IntentInput | null | undefined;

/** Options of {@link intentChannel} and {@link intentField}. */
export interface IntentOptions {
  /** Clock for `at` when the writer gives none. @default () => new Date() */
  readonly now?: () => Date;
  /** The state key the channel is mounted under (for node-time checks). @default "intent" */
  readonly key?: string;
}

/**
 * The write-once rule as a pure function: the first intent is stored; writing the same
 * text and constraints again changes nothing (nodes that echo state stay legal); anything
 * else throws {@link IntentAlreadySetError} naming the writer that set it and the one that
 * tried (from `setBy`: a reducer cannot see which node wrote — `withWriteContract` fills
 * `setBy` with the node's name). A malformed intent throws `InvalidClaimError`.
 */
export function reduceIntent(current: Intent | null, update: IntentUpdate, options: IntentOptions = {}): Intent | null {
  if (update === undefined || update === null) return current ?? null;
  const parsed = IntentInputSchema.safeParse(update);
  if (!parsed.success) throw fromZodError(0, undefined, update, parsed.error, "Intent update rejected");
  const input = typeof parsed.data === "string" ? { text: parsed.data, constraints: [] } : parsed.data;
  if (current !== null && current !== undefined) {
    if (current.text === input.text && JSON.stringify(current.constraints) === JSON.stringify(input.constraints)) {
      return current;
    }
    throw new IntentAlreadySetError(current.setBy, "setBy" in input ? input.setBy : undefined);
  }
  return {
    text: input.text,
    constraints: [...input.constraints],
    ...("setBy" in input && input.setBy !== undefined ? { setBy: input.setBy } : {}),
    at: ("at" in input ? input.at : undefined) ?? (options.now ?? (() => new Date()))().toISOString(),
    ...("meta" in input && input.meta !== undefined ? { meta: input.meta } : {}),
  };
}

function specFor(options: IntentOptions): ReducerSpec<Intent | null, IntentUpdate> {
  return {
    reducer: (current, update) => reduceIntent(current, update, options),
    initial: () => null,
    valueSchema: IntentSchema.nullable(),
    key: options.key ?? "intent",
    precheck: (update, current) => {
      reduceIntent(current === undefined ? null : current, update, options);
    },
  };
}

/**
 * Creates the write-once intent channel (the seeds' "immutable original intent"): the task
 * as first stated, which no agent can silently rewrite — a countermeasure to task
 * derailment and loss of history (MAST FM-2.3, FM-1.4). Mounts in `Annotation.Root` and
 * `StateSchema`; for zod state use {@link intentField}. The value is `null` until set.
 *
 * @example
 * ```ts
 * const State = Annotation.Root({ intent: intentChannel(), claims: claimsChannel() });
 * await graph.invoke({ intent: { text: "Compare the two offers", constraints: ["budget ≤ $5k"] } }, config);
 * ```
 */
export function intentChannel(options: IntentOptions = {}): ReducerChannel<Intent | null, IntentUpdate> {
  if (typeof options !== "object" || options === null) throw invalidOption("intentChannel", "options", options, "an options object ({ now?, key? }) or nothing");
  return reducerChannel(specFor(options));
}

/**
 * Creates the write-once intent field for a zod state object (`z` from `"zod/v4"`).
 *
 * @example
 * ```ts
 * const State = z.object({ intent: intentField(), claims: claimsField() });
 * ```
 */
export function intentField(
  options: IntentOptions = {},
): ReducedZodChannel<ReturnType<typeof IntentSchema.nullable>, z.ZodType<IntentUpdate>> {
  if (typeof options !== "object" || options === null) throw invalidOption("intentField", "options", options, "an options object ({ now?, key? }) or nothing");
  return reducerField(specFor(options), IntentSchema.nullable()) as unknown as ReducedZodChannel<
    ReturnType<typeof IntentSchema.nullable>,
    z.ZodType<IntentUpdate>
  >;
}
