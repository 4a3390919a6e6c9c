/** Side effects under the BICR guard: an outbox for what can wait, compensation for what cannot. */
export { EFFECT_NOT_UNDONE_WARNING, effectTool } from "./effect-tool.js";
export { EffectFailedError, isEffectFailedError, type EffectFailure } from "./effect-error.js";
export { EFFECT_RECORDER_KEY } from "./effect-recorder.js";
export type { EffectContext, EffectEntry, EffectMode, EffectStatus, EffectToolOptions, IdempotencyKeyParts } from "./effect-types.js";
