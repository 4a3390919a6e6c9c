/**
 * Internal: one reducer, three ways to mount it in LangGraph state.
 *
 * - `Annotation.Root({ key: channel })` wants a `BaseChannel`;
 * - `new StateSchema({ key: channel })` wants a `ReducedValue` (recognised by a symbol);
 * - `z.object({ key: field })` wants a zod schema registered with `withLangGraph`.
 *
 * `reducerChannel` returns a `BinaryOperatorAggregate` that also carries the `ReducedValue`
 * fields, so the same object works in the first two; `reducerField` builds the third.
 *
 * In zod and `StateSchema` state LangGraph parses every node's update with the input schema
 * inside the node's writer, before the write is recorded, so a check that throws there
 * fails the node cleanly (retry policies and error handlers apply; nothing is persisted).
 * A reducer that throws later, while LangGraph applies the step's writes, leaves the write
 * in the checkpoint's pending writes, where LangGraph 1.7 re-applies it on every `getState`
 * and resume. Hence `precheck`, run against the node's input state when it is available.
 */
import { BinaryOperatorAggregate, getConfig, getCurrentTaskInput, START, type ReducedValue } from "@langchain/langgraph";
import { withLangGraph, type ReducedZodChannel } from "@langchain/langgraph/zod";
import type { InteropZodType } from "@langchain/core/utils/types";
import { z } from "zod/v4";

const REDUCED_VALUE = Symbol.for("langgraph.state.reduced_value");

/** A reducer channel usable in `Annotation.Root` (as a channel) and `StateSchema` (as a `ReducedValue`). */
export type ReducerChannel<Value, Update> = BinaryOperatorAggregate<Value, Update> & ReducedValue<Value, Update>;

/** What a reducer field is made of. */
export interface ReducerSpec<Value, Update> {
  readonly reducer: (current: Value, update: Update) => Value;
  readonly initial: () => Value;
  /** Schema of the stored value (for JSON schema, `Overwrite` validation and Studio). */
  readonly valueSchema: z.ZodType<Value>;
  /**
   * Node-time check of an update; `current` is the node's input state at the channel's key,
   * or `undefined` when no input state is available (graph input, outside a run).
   */
  readonly precheck: (update: Update, current: Value | undefined) => void;
  /** The state key the field is expected under (to find `current` in the node's input). */
  readonly key: string;
}

function inputSchemaFor<Value, Update>(spec: ReducerSpec<Value, Update>): z.ZodType<Update> {
  return z.unknown().superRefine((update) => {
    const current = currentFromTaskInput<Value>(spec);
    // The graph's input is its own task input: there the "current" value is the update itself.
    spec.precheck(update as Update, (current as unknown) === update ? undefined : current);
  }) as unknown as z.ZodType<Update>;
}

/** The node's input state at the field's key, when a node (not the graph input) is writing. */
function currentFromTaskInput<Value>(spec: { readonly key: string }): Value | undefined {
  let input: unknown;
  try {
    if (getConfig()?.metadata?.["langgraph_node"] === START) return undefined;
    input = getCurrentTaskInput();
  } catch {
    return undefined; // not inside a node: graph input or a direct parse
  }
  if (typeof input !== "object" || input === null || !(spec.key in input)) return undefined;
  return (input as Record<string, Value>)[spec.key];
}

/** Builds the Annotation/StateSchema form of a reducer field. */
export function reducerChannel<Value, Update>(spec: ReducerSpec<Value, Update>): ReducerChannel<Value, Update> {
  const channel = new BinaryOperatorAggregate<Value, Update>(spec.reducer, spec.initial);
  Object.assign(channel, {
    [REDUCED_VALUE]: true,
    valueSchema: spec.valueSchema.default(spec.initial as never),
    inputSchema: inputSchemaFor(spec),
    reducer: spec.reducer,
  });
  return channel as ReducerChannel<Value, Update>;
}

/** Builds the zod-state form of a reducer field (a fresh schema each call: registration mutates it). */
export function reducerField<Value, Update, S extends z.ZodType<Value>>(
  spec: ReducerSpec<Value, Update>,
  schema: S,
): ReducedZodChannel<S, z.ZodType<Update>> {
  return withLangGraph(schema as unknown as InteropZodType<Value>, {
    reducer: { schema: inputSchemaFor(spec) as unknown as InteropZodType<Update>, fn: spec.reducer },
    default: spec.initial,
  }) as ReducedZodChannel<S, z.ZodType<Update>>;
}
