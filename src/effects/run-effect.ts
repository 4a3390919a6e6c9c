/**
 * Runs a recorded effect after its attempt (a deferred effect after the commit) or undoes it (a
 * compensated effect of a blocked attempt), with the key it was recorded under.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import { asJson, parseRecorded } from "./effect-json.js";
import { implementationOf } from "./effect-registry.js";
import type { EffectContext, EffectEntry, EffectToolOptions } from "./effect-types.js";
import { threadOf } from "./effect-key.js";

function implementation(entry: EffectEntry): EffectToolOptions {
  const found = implementationOf(entry);
  if (found === undefined) {
    throw new Error(`no effectTool named "${entry.tool}" was created in this process, so its recorded effect (key ${entry.key}) cannot be run or undone; create the tool before resuming the graph`);
  }
  return found;
}

function contextOf(entry: EffectEntry, guard: string, phase: EffectContext["phase"], config: RunnableConfig | undefined): EffectContext {
  const threadId = threadOf(config);
  return { idempotencyKey: entry.key, toolCallId: entry.toolCallId, ...(threadId === undefined ? {} : { threadId }), guard, attempt: entry.attempt, guarded: true, phase, ...(config ? { config } : {}) };
}

/** Runs a deferred effect; resolves to its result as JSON. */
export async function executeDeferred(entry: EffectEntry, guard: string, config: RunnableConfig | undefined): Promise<unknown> {
  const impl = implementation(entry);
  const input = await parseRecorded(entry.tool, impl.schema, entry.input);
  return asJson(await impl.run(input, contextOf(entry, guard, "run", config)));
}

/** Undoes a compensated effect; resolves when done, rejects with why it could not be undone. */
export async function compensateEffect(entry: EffectEntry, guard: string, config: RunnableConfig | undefined): Promise<void> {
  const impl = implementation(entry);
  if (impl.compensate === undefined) throw new Error(`effectTool "${entry.tool}" has no compensate function in this process`);
  await impl.compensate(entry.input, entry.result ?? null, contextOf(entry, guard, "compensate", config));
}

/** Why an effect failed, in one line. */
export function failureText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}
