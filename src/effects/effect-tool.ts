/**
 * `effectTool`: a LangChain tool whose call changes the world (a row, a ticket, a message), made
 * safe under a BICR guard. Outside a guard it simply runs. Inside a guarded producer it defers
 * (outbox) or runs and records its compensation (saga), through the attempt's recorder.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import { tool, type StructuredToolInterface } from "@langchain/core/tools";
import { asJson, replayableInput } from "./effect-json.js";
import { threadOf, unguardedKey } from "./effect-key.js";
import { checkEffectOptions } from "./effect-options.js";
import { recorderOf, type EffectRecorder } from "./effect-recorder.js";
import { registerEffect, rememberImplementation } from "./effect-registry.js";
import type { EffectContext, EffectToolOptions } from "./effect-types.js";

/** The text a deferred effect returns to the agent. */
export function scheduledText(name: string, key: string): string {
  return `scheduled: ${name} will run once this step passes review (idempotency key ${key}); do not call it again for the same request.`;
}

function toolCallIdOf(config: RunnableConfig | undefined): string | undefined {
  const id = (config as { toolCall?: { id?: unknown } } | undefined)?.toolCall?.id;
  return typeof id === "string" && id.length > 0 ? id : undefined;
}

/** The configurable key carrying the call id reserved when the call was made (see `reserveOnInvoke`). */
const RESERVED_CALL_ID = "__firebreak_effect_call_id";

/** The tool call id a call was invoked with: a ToolCall's own id, else the config's `toolCall`. */
function invokedCallId(input: unknown, config: RunnableConfig | undefined): string | undefined {
  const call = input as { type?: unknown; id?: unknown } | null;
  if (typeof call === "object" && call !== null && call.type === "tool_call" && typeof call.id === "string" && call.id.length > 0) return call.id;
  return toolCallIdOf(config);
}

/**
 * Numbers a guarded call when it is made, before LangChain parses its input (asynchronously): so
 * repeated ids are numbered in call order, the same order when a re-run replays the attempt.
 */
function reserveOnInvoke(made: StructuredToolInterface, name: string): void {
  const invoke = made.invoke.bind(made) as (input: unknown, config?: RunnableConfig) => Promise<unknown>;
  (made as { invoke: unknown }).invoke = (input: unknown, config?: RunnableConfig) => {
    const recorder = recorderOf(config);
    if (recorder === undefined || recorder.closed) return invoke(input, config);
    const id = recorder.callId(name, invokedCallId(input, config));
    return recorder.track(invoke(input, { ...config, configurable: { ...config?.configurable, [RESERVED_CALL_ID]: id } }));
  };
}

async function runGuarded(o: EffectToolOptions, recorder: EffectRecorder, input: unknown, config: RunnableConfig): Promise<unknown> {
  // Reached after the attempt ended (its input check finished late, or a continuation called it with
  // the attempt's config): refused, as a text — nobody awaits it, and a rejection would go unhandled.
  if (recorder.closed) return `${lateCall(o.name)}; refused, nothing was done.`;
  const reserved = config?.configurable?.[RESERVED_CALL_ID];
  const toolCallId = typeof reserved === "string" ? reserved : recorder.callId(o.name, toolCallIdOf(config));
  const { guard, attempt, threadId } = recorder.where;
  const derived = recorder.keyFor(toolCallId);
  const key = o.idempotencyKey ? o.idempotencyKey({ tool: o.name, input, toolCallId, ...(threadId === undefined ? {} : { threadId }), guard, attempt, derived }) : derived;
  if (o.mode === "defer") {
    // Refused here, before anything is recorded; what is recorded is the JSON that passed.
    const base = { key, tool: o.name, mode: o.mode, attempt, toolCallId, input: await replayableInput(o.name, o.schema, input) };
    // Left running past the attempt: refused, as a text (nobody awaits it; a rejection would go unhandled).
    if (recorder.closed) return `${lateCall(o.name, key)}; refused, nothing was scheduled.`;
    rememberImplementation(base, o);
    recorder.record({ ...base, status: "deferred" });
    return scheduledText(o.name, key);
  }
  const ctx: EffectContext = { idempotencyKey: key, toolCallId, ...(threadId === undefined ? {} : { threadId }), guard, attempt, guarded: true, phase: "run", config };
  // A run that throws did nothing to undo (or undid itself): nothing is recorded and the error reaches the agent.
  const result = await o.run(input, ctx);
  if (recorder.closed) return undoLate(o, input, result, { ...ctx, phase: "compensate" });
  const base = { key, tool: o.name, mode: o.mode, attempt, toolCallId, input: asJson(input) };
  rememberImplementation(base, o);
  recorder.record({ ...base, result: asJson(result), status: "applied" });
  return result;
}

/** How a call the producer left running, finishing after its attempt ended, names itself (with its key once it has one). */
function lateCall(name: string, key?: string): string {
  return `effectTool "${name}": finished after its guarded attempt ended (a call the producer left running${key === undefined ? "" : `, key ${key}`})`;
}

/** The code of the process warning for a late effect whose compensation failed. */
export const EFFECT_NOT_UNDONE_WARNING = "FIREBREAK_EFFECT_NOT_UNDONE";

/**
 * A compensated call the producer left running that finished after its attempt ended: there is no
 * attempt to record it in, so it is undone at once, and the call resolves to a text saying so (not a
 * rejection: the producer no longer awaits it, and an unhandled rejection would end the process).
 * When the compensation throws, the effect stays in the world: a process warning
 * (`FIREBREAK_EFFECT_NOT_UNDONE`) names it, and the text says so.
 */
async function undoLate(o: EffectToolOptions, input: unknown, result: unknown, ctx: EffectContext): Promise<string> {
  const late = lateCall(o.name, ctx.idempotencyKey);
  try {
    await o.compensate!(asJson(input), asJson(result), ctx);
  } catch (error) {
    const text = `${late}, and its compensation failed, so the effect is still in the world: ${(error as Error)?.message ?? String(error)}`;
    process.emitWarning(text, { code: EFFECT_NOT_UNDONE_WARNING });
    return text;
  }
  return `${late}; its effect was undone (compensate ran with the same key).`;
}

async function runUnguarded(o: EffectToolOptions, input: unknown, config: RunnableConfig): Promise<unknown> {
  const toolCallId = toolCallIdOf(config);
  const threadId = threadOf(config);
  const derived = unguardedKey(threadId, toolCallId);
  const id = toolCallId ?? derived;
  const key = o.idempotencyKey ? o.idempotencyKey({ tool: o.name, input, toolCallId: id, ...(threadId === undefined ? {} : { threadId }), derived }) : derived;
  return o.run(input, { idempotencyKey: key, toolCallId: id, ...(threadId === undefined ? {} : { threadId }), guarded: false, phase: "run", config });
}

/**
 * Creates a side-effecting LangChain tool (a `StructuredTool`, for `createReactAgent`,
 * `createAgent`, `ToolNode` or a plain node: `await publish.invoke(args, config)`).
 *
 * - Outside a guard, `run` runs.
 * - In a guarded producer, `mode: "defer"` records the call and returns a "scheduled" text; it
 *   runs after the attempt passes, in call order, as part of the commit, and is dropped (named
 *   in the record and the feedback) when the attempt is blocked.
 * - `mode: "compensate"` runs at once and records `compensate`, which the guard runs (latest
 *   first) when the attempt is blocked; a compensation that fails escalates (`onExhausted`).
 *
 * `run` and `compensate` get an idempotency key, derived from thread, guarded handoff, attempt
 * and tool call, the same after a restart: hand it to the external system so a re-run is a no-op.
 * Throws {@link InvalidOptionsError} for wrong options (e.g. `compensate` missing in compensate mode).
 *
 * @example
 * const publish = effectTool({
 *   name: "publish", description: "Publish the report", schema: z.object({ text: z.string() }),
 *   mode: "defer",
 *   run: ({ text }, { idempotencyKey }) => db.query("INSERT … ON CONFLICT (key) DO NOTHING", [idempotencyKey, text]),
 * });
 */
export function effectTool<I = any, O = unknown>(options: EffectToolOptions<I, O>): StructuredToolInterface {
  checkEffectOptions(options);
  const o = { ...options } as EffectToolOptions;
  registerEffect(o);
  const made = tool(
    async (input: unknown, config: RunnableConfig) => {
      const recorder = recorderOf(config);
      return recorder === undefined ? runUnguarded(o, input, config) : runGuarded(o, recorder, input, config);
    },
    { name: o.name, description: o.description, schema: o.schema as never },
  ) as unknown as StructuredToolInterface;
  reserveOnInvoke(made, o.name);
  return made;
}
