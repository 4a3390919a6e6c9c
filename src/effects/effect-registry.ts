/**
 * The effects this process knows, by tool name: after a restart the guard finds `run` and
 * `compensate` of a recorded effect here (the checkpoint holds only JSON). The last
 * `effectTool` created with a name wins.
 */
import type { EffectToolOptions } from "./effect-types.js";

const registry = new Map<string, EffectToolOptions>();

/** Records an effect's implementation under its name. */
export function registerEffect(options: EffectToolOptions): void {
  registry.set(options.name, options);
}

/** The implementation of the effect named `tool`, if an `effectTool` of that name was created in this process. */
export function effectNamed(tool: string): EffectToolOptions | undefined {
  return registry.get(tool);
}
