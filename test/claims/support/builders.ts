/** Shared builders for the claims tests. */
import { claimVerdicts, type ClaimInput, type ClaimsOptions, type ClaimVerdict, type ClaimVerdicts } from "../../../src/index.js";

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

let evidenceCounter = 0;

/**
 * A verdict batch as a verifier with an evidence tool writes it: every cited item is listed as
 * fetched in this review, and a green verdict that cites nothing cites a freshly fetched
 * document (the channel lifts a claim only on evidence that exists and is new).
 */
export function reviewed(verifier: string, verdicts: readonly ClaimVerdict[]): ClaimVerdicts {
  const list = verdicts.map((v) => (v.status === "green" && (v.evidence ?? []).length === 0 ? { ...v, evidence: [`doc:${++evidenceCounter}`] } : v));
  return claimVerdicts(verifier, list, { fetched: list.flatMap((v) => v.evidence ?? []) });
}
