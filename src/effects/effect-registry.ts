/**
 * The effects this process knows. A recorded effect is run or undone by the tool that recorded
 * it (remembered by its key in this process), and after a restart — the checkpoint holds only
 * JSON — by the `effectTool` of its name created in the new process (the last one created with
 * that name wins).
 */
import type { EffectToolOptions } from "./effect-types.js";

const registry = new Map<string, EffectToolOptions>();

/** Recorded effects → the tool that recorded them; the oldest are forgotten past this many. */
const REMEMBERED = 10_000;
const byEffect = new Map<string, EffectToolOptions>();

/** Records an effect's implementation under its name. */
export function registerEffect(options: EffectToolOptions): void {
  registry.set(options.name, options);
}

function effectId(entry: { readonly tool: string; readonly key: string; readonly toolCallId: string; readonly attempt: number }): string {
  return `${entry.tool}\u0000${entry.attempt}\u0000${entry.toolCallId}\u0000${entry.key}`;
}

/** Remembers which tool recorded an effect, so two tools sharing a name each run and undo their own. */
export function rememberImplementation(entry: { readonly tool: string; readonly key: string; readonly toolCallId: string; readonly attempt: number }, options: EffectToolOptions): void {
  const id = effectId(entry);
  byEffect.delete(id);
  byEffect.set(id, options);
  if (byEffect.size > REMEMBERED) byEffect.delete(byEffect.keys().next().value!);
}

/** The implementation of a recorded effect: the tool that recorded it, else the latest `effectTool` of its name in this process. */
export function implementationOf(entry: { readonly tool: string; readonly key: string; readonly toolCallId: string; readonly attempt: number }): EffectToolOptions | undefined {
  return byEffect.get(effectId(entry)) ?? registry.get(entry.tool);
}
