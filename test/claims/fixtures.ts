/** Shared builders for the claims tests. */
import type { ClaimInput, ClaimsOptions } from "../../src/index.js";

/** A fixed clock, so filled-in timestamps are predictable. */
export const T0 = "2026-03-01T09:00:00.000Z";
export const fixedClock: ClaimsOptions = { now: () => new Date(T0) };

/** A valid new claim by `agent`, optionally based on other claims. */
export function claim(
  agent: string,
  text: string,
  extra: Partial<Omit<ClaimInput, "origin">> & { basedOn?: string[]; source?: "tool" | "document" | "model" | "human" } = {},
): ClaimInput {
  const { basedOn = [], source = "model", ...rest } = extra;
  return { text, origin: { agent, source, basedOn }, confidence: 0.8, ...rest };
}
