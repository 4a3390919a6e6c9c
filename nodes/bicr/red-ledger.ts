/**
 * The red ledger (issue 18): what was judged red in this thread, so that a producer that
 * re-asserts a red claim is blocked at once instead of being judged again. Without it a source
 * that re-plants one falsehood on every attempt only re-rolls the judge: with a judge that
 * misses one time in ten, three attempts let it through as yellow with probability 1 − 0.9³.
 *
 * The ledger is not a channel of its own: it is read, at each challenge, from what the guard
 * alone writes — this handoff's attempt records (the guard's private, checkpointed state) and
 * the parent's guard records (`recordKey`, one record per earlier handoff of the thread, which a
 * guarded producer cannot write) — so it is per thread, survives checkpoints and resumes, and
 * cannot be cleared by a producer's return value.
 */
import { normaliseClaimText, type KnownClaim } from "../challenger/review-policy.js";
import type { ClaimJudgement } from "../challenger/verdict-schema.js";
import { asList } from "./guard-claims.js";
import type { AttemptRecord, BufferedClaim } from "./guard-types.js";

/** Where a red claim was judged: its id and attempt, and the guard of an earlier handoff (absent for this handoff). */
export interface RedOrigin {
  readonly claimId: string;
  readonly attempt: number;
  readonly guard?: string;
}

/** A claim the ledger holds: where it was judged red, its text, and the judge's reasons then. */
export interface RedEntry extends RedOrigin {
  readonly text: string;
  readonly reasons: readonly string[];
}

/** The ledger: entries by {@link ledgerKey}, the first judgement of each statement kept. */
export type RedLedger = ReadonlyMap<string, RedEntry>;

/**
 * A value as the ledger compares it: a string normalised like a claim's text, a number, a
 * boolean or null by its JSON form — so `42` and `"42"` are the same answer, `3` and `3.0` too.
 */
export function normaliseClaimValue(value: string | number | boolean | null): string {
  return typeof value === "string" ? normaliseClaimText(value) : String(value);
}

/** The ledger's key of a statement: its normalised text and, when it has one, its normalised value. */
export function ledgerKey(text: string, value?: string | number | boolean | null): string {
  const t = normaliseClaimText(text);
  return JSON.stringify(value === undefined ? [t] : [t, normaliseClaimValue(value)]);
}

type RecordClaim = AttemptRecord["claims"][number];

function isRecordClaim(c: unknown): c is RecordClaim {
  return typeof c === "object" && c !== null && typeof (c as RecordClaim).id === "string" && typeof (c as RecordClaim).text === "string";
}

function claimsOf(attempt: unknown): RecordClaim[] {
  const claims = (attempt as { claims?: unknown } | null)?.claims;
  return Array.isArray(claims) ? claims.filter(isRecordClaim) : [];
}

/** Adds an attempt's red judgements: not a fail-closed label (no one judged it), not a ledger block (it points at one). */
function addReds(ledger: Map<string, RedEntry>, attempt: unknown, guard: string | undefined): void {
  const number = Number((attempt as { attempt?: unknown } | null)?.attempt);
  for (const c of claimsOf(attempt)) {
    if (c.verdict !== "red" || c.failClosed === true || c.repeats !== undefined) continue;
    const key = ledgerKey(c.text, c.value);
    if (ledger.has(key)) continue;
    const reasons = Array.isArray(c.reasons) ? c.reasons.map(String) : [];
    ledger.set(key, { claimId: c.id, attempt: number, ...(guard === undefined ? {} : { guard }), text: c.text, reasons });
  }
}

/** True for a claim a human labelled green in the channel (an approval or an edit at an escalation). */
function humanGreen(claim: unknown, humanVerifier: string): claim is { text: string; value?: string | number | boolean | null } {
  const c = claim as { status?: unknown; text?: unknown; verifiedBy?: { verifier?: unknown } } | null;
  return typeof c === "object" && c !== null && c.status === "green" && typeof c.text === "string" && c.verifiedBy?.verifier === humanVerifier;
}

/**
 * Reads the ledger: the red judgements of the thread's earlier handoffs (`records`, the
 * parent's guard records), minus what a human approved since (an approved handoff's last
 * attempt, a claim a human labelled green in `stored`), then those of this handoff's `attempts`.
 */
export function readRedLedger(records: unknown, stored: unknown, attempts: readonly AttemptRecord[], humanVerifier: string): RedLedger {
  const ledger = new Map<string, RedEntry>();
  for (const record of asList(records)) {
    const r = record as { kind?: unknown; guard?: unknown; outcome?: unknown; attempts?: unknown } | null;
    if (r?.kind !== "firebreak/guard-record" || !Array.isArray(r.attempts)) continue;
    for (const attempt of r.attempts) addReds(ledger, attempt, String(r.guard));
    // A human approved what the last attempt proposed: its statements are no longer refused.
    if (r.outcome === "approved") for (const c of claimsOf(r.attempts.at(-1))) ledger.delete(ledgerKey(c.text, c.value));
  }
  for (const claim of asList(stored)) if (humanGreen(claim, humanVerifier)) ledger.delete(ledgerKey(claim.text, claim.value));
  for (const attempt of attempts) addReds(ledger, attempt, undefined);
  return ledger;
}

/**
 * The items of an attempt that repeat a ledger entry: item id → the entry. An AI message's
 * prose (which the guard turns into a claim of that text) repeats an entry when `prose(item)`,
 * its text, states the same thing, whatever the entry's value.
 */
export function ledgerHits(items: readonly BufferedClaim[], ledger: RedLedger, prose: (item: BufferedClaim) => string | undefined = () => undefined): Map<string, RedEntry> {
  const hits = new Map<string, RedEntry>();
  if (ledger.size === 0) return hits;
  let byText: Map<string, RedEntry> | undefined;
  for (const item of items) {
    const entry = ledger.get(ledgerKey(item.text, item.value));
    if (entry !== undefined) {
      hits.set(item.id, entry);
      continue;
    }
    const said = item.from.kind === "message" && item.from.prose === true ? prose(item) : undefined;
    if (said === undefined) continue;
    byText ??= new Map([...ledger.values()].reverse().map((e) => [normaliseClaimText(e.text), e]));
    const spoken = byText.get(normaliseClaimText(said));
    if (spoken !== undefined) hits.set(item.id, spoken);
  }
  return hits;
}

/** Where an entry was judged, without its text and reasons. */
export function originOf(entry: RedEntry): RedOrigin {
  return { claimId: entry.claimId, attempt: entry.attempt, ...(entry.guard === undefined ? {} : { guard: entry.guard }) };
}

/** Why the ledger blocked an item: "repeats red claim <id> judged in attempt N" (of an earlier handoff on a guard). */
export function repeatReason(origin: RedOrigin): string {
  return `repeats red claim ${origin.claimId} judged in attempt ${origin.attempt}${origin.guard === undefined ? "" : ` of an earlier handoff on "${origin.guard}"`}`;
}

/** The red verdict the ledger gives a repeating item (not the challenger's: `fromModel` is false), with the reasons of the first judgement. */
export function repeatJudgement(itemId: string, entry: RedEntry): ClaimJudgement {
  const then = entry.reasons.length === 0 ? [] : [`Judged then: ${entry.reasons.join(" ")}`];
  return { claimId: itemId, verdict: "red", reasons: [`Blocked without a new review: ${repeatReason(entry)}.`, ...then], evidence: [], fromModel: false };
}

/** The ledger as red claims for the review policy's "repeats a red claim" and "built on a red claim" flags. */
export function ledgerAsKnown(ledger: RedLedger): KnownClaim[] {
  return [...ledger.values()].map((e) => ({ id: e.claimId, text: e.text, status: "red" }));
}
