import type { RunResult } from "./semantic-breaker.js";
import { PROVIDER_INDEX_KEY } from "./structured-output.js";

/**
 * Internal: the `response_metadata` describing how an answer was reached (which provider,
 * failovers, rejections, skipped open circuits, states after the call). Shared by the chat-model
 * wrapper and the `createAgent` middleware, so traces read the same whichever path answered.
 */
export function outcomeMetadata(result: RunResult): Record<string, unknown> {
  return {
    "firebreak.breaker.provider": result.provider,
    [PROVIDER_INDEX_KEY]: result.providerIndex,
    "firebreak.breaker.failovers": result.failures.length,
    "firebreak.breaker.statesAfter": result.statesAfter,
    ...(result.failures.length > 0
      ? { "firebreak.breaker.rejections": result.failures.map((f) => `${f.provider}: ${f.kind}: ${f.reason}`) }
      : {}),
    ...(result.skipped.length > 0
      ? { "firebreak.breaker.skipped": result.skipped.map((s) => `${s.provider}: ${s.state}`) }
      : {}),
    ...(result.bypassed ? { "firebreak.breaker.bypassed": true } : {}),
  };
}
