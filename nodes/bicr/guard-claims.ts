/**
 * Internal: the claims of a producer's update, the message helpers the guard's stages share,
 * and the signed verdict batch a commit appends.
 */
import { signReview } from "../../src/claims/verifier-identity.js";
import { isClaimVerdicts } from "../../src/claims/verdicts.js";
import type { Verdict } from "../challenger/verdict-schema.js";
import type { BufferedClaim, ClaimExtractionContext, ClaimExtractor } from "./guard-types.js";

/** The keys the guard reads in an update. */
export interface ClaimKeys {
  readonly claimsKey: string;
  readonly messagesKey: string;
  readonly recordKey: string;
}

/** Id prefix of the feedback messages the guard shows a retried producer (never committed). */
export const FEEDBACK_MESSAGE_PREFIX = "firebreak-guard-feedback-";

function newId(producer: string): string {
  return `${producer}-${globalThis.crypto.randomUUID()}`;
}

/** The messages of an update value (a message, a list, or nothing), as a list. */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A message's type ("ai", "human", "tool", …) whether it is a class instance or a plain object. */
export function messageType(m: unknown): string | undefined {
  if (typeof m !== "object" || m === null) return undefined;
  const typed = m as { getType?: () => string; _getType?: () => string; type?: unknown; role?: unknown };
  if (typeof typed.getType === "function") return typed.getType();
  if (typeof typed._getType === "function") return typed._getType();
  const raw = typeof typed.type === "string" ? typed.type : typeof typed.role === "string" ? typed.role : undefined;
  return raw === "assistant" ? "ai" : raw === "user" ? "human" : raw;
}

/** A message's id, if any. */
export function messageId(m: unknown): string | undefined {
  const id = (m as { id?: unknown } | null)?.id;
  return typeof id === "string" ? id : undefined;
}

/** A message's text content. */
export function messageText(m: unknown): string {
  const content = (m as { content?: unknown } | null)?.content;
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === "string" ? p : typeof p?.text === "string" ? p.text : "")).join("");
  return "";
}

/** Removes the guard's feedback messages from an update (a react agent returns its whole input). */
export function stripFeedback(update: Record<string, unknown>, messagesKey: string): Record<string, unknown> {
  if (!(messagesKey in update)) return update;
  const messages = asList(update[messagesKey]);
  const kept = messages.filter((m) => !(messageId(m)?.startsWith(FEEDBACK_MESSAGE_PREFIX) ?? false));
  if (kept.length === messages.length) return update;
  return { ...update, [messagesKey]: kept };
}

/** Gives every claim in the update's claims key an id, so verdicts can name it. Returns a new update. */
export function fillClaimIds(update: Record<string, unknown>, claimsKey: string, producer: string): Record<string, unknown> {
  if (!(claimsKey in update) || update[claimsKey] === null || update[claimsKey] === undefined) return update;
  const items = asList(update[claimsKey]).map((item) => {
    if (typeof item !== "object" || item === null || isClaimVerdicts(item)) return item;
    const claim = item as { id?: unknown };
    return typeof claim.id === "string" && claim.id.length > 0 ? item : { ...item, id: newId(producer) };
  });
  return { ...update, [claimsKey]: items };
}

/**
 * The claims in an update's claims key, or whatever `custom` returns. Every other effect of
 * the update (messages, other channels, routing) becomes a review item in `review-items.ts`.
 */
export async function extractClaims(
  update: Record<string, unknown>,
  context: ClaimExtractionContext,
  keys: ClaimKeys,
  custom: ClaimExtractor | undefined,
): Promise<BufferedClaim[]> {
  if (custom !== undefined) {
    const found = await custom(update, context);
    return found.map((c, index) => ({
      id: typeof c.id === "string" && c.id.length > 0 ? c.id : newId(context.producer),
      text: String(c.text),
      ...(c.value === undefined ? {} : { value: c.value }),
      ...(typeof c.confidence === "number" ? { confidence: c.confidence } : {}),
      ...(typeof c.requiresVerification === "boolean" ? { requiresVerification: c.requiresVerification } : {}),
      basedOn: [...(c.basedOn ?? [])],
      ...(c.taint === undefined ? {} : { taint: [...c.taint] }),
      from: c.from ?? { kind: "claims", index },
    }));
  }
  const out: BufferedClaim[] = [];
  asList(update[keys.claimsKey]).forEach((item, index) => {
    if (typeof item !== "object" || item === null || isClaimVerdicts(item)) return;
    const c = item as Record<string, unknown>;
    const origin = (c["origin"] ?? {}) as { basedOn?: unknown };
    out.push({
      id: String(c["id"]),
      text: String(c["text"] ?? ""),
      ...(c["value"] === undefined ? {} : { value: c["value"] as BufferedClaim["value"] }),
      ...(typeof c["confidence"] === "number" ? { confidence: c["confidence"] } : {}),
      ...(typeof c["requiresVerification"] === "boolean" ? { requiresVerification: c["requiresVerification"] } : {}),
      basedOn: Array.isArray(origin.basedOn) ? origin.basedOn.map(String) : [],
      ...(Array.isArray(c["taint"]) ? { taint: (c["taint"] as unknown[]).map(String) } : {}),
      from: { kind: "claims", index },
    });
  });
  return out;
}

/** A fresh id for a review item of `producer`. */
export function newItemId(producer: string): string {
  return newId(producer);
}

/** A verdict as it is written to the claims channel. */
export interface LabelledVerdict {
  readonly id: string;
  readonly status: Verdict;
  readonly reason: string;
  readonly evidence: readonly string[];
}

/**
 * Appends one verdict batch to the update's claims key, for the claims that came from it
 * (claims found in messages or fields live only in the guard's record), sealed by the guard:
 * the guard is the verifier here (its challenger stage, or a human's resume of its
 * escalation), so the channel accepts the batch whichever node carries it. `fetched` is the
 * evidence fetched in the review; a verdict citing none cites the review itself. Returns a new update.
 */
export function withVerdicts(
  update: Record<string, unknown>,
  claimsKey: string,
  verifier: string,
  verdicts: readonly LabelledVerdict[],
  claims: readonly BufferedClaim[],
  fetched: readonly string[] = [],
): Record<string, unknown> {
  const fromKey = new Set(claims.filter(isChannelClaim).map((c) => c.id));
  const own = verdicts.filter((v) => fromKey.has(v.id));
  if (own.length === 0) return update;
  const items = asList(update[claimsKey]);
  return { ...update, [claimsKey]: [...items, signReview(verifier, own, fetched, undefined, items)] };
}

/** Whether an item's claim goes to the claims channel: from the claims key, or AI prose written as a claim. */
export function isChannelClaim(item: BufferedClaim): boolean {
  return item.from.kind === "claims" || (item.from.kind === "message" && item.from.prose === true);
}
