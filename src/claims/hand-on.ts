/**
 * Internal: claims handed on — stored claims written again (a node echoing state, a subgraph's
 * output) or passed in from an earlier run or another graph. A claim keeps its status only when
 * its verdict history carries valid seals of this deployment and its latest verifier is accepted;
 * a forged or edited history is rejected. Steps of `applyUpdate`.
 */
import { ClaimSchema, type Claim, type ClaimVerification } from "./claim-schema.js";
import type { ResolvedClaimsOptions } from "./claims-options.js";
import { spreadDoubt, doubtClaim } from "./doubt.js";
import { InvalidClaimError, preview } from "./errors.js";
import { NEW_CLAIM_STATUS } from "./new-claim.js";
import { checkSeal, fingerprint, verificationPayload } from "./seal.js";
import type { Transaction } from "./transaction.js";
import { chainOf, sameRecord } from "./verdict-history.js";
import { fromZodError } from "./zod-error.js";
import { quote } from "../internal/quote.js";

/** True when a new item carries a verification record or a status other than `"unverified"`: a claim handed on. */
export function isHandedOn(raw: Record<string, unknown>): boolean {
  return (raw["status"] !== undefined && raw["status"] !== "unverified") || raw["verifiedBy"] !== undefined || raw["history"] !== undefined;
}

/**
 * A stored claim written by someone else's channel (an earlier run, another graph, a
 * subgraph's output): kept with its verdict history when every verification in it carries
 * a valid seal of this deployment, else stored as unverified (its history kept as record).
 */
export function importClaim(txn: Transaction, index: number, raw: Record<string, unknown>, rawId: string | undefined): void {
  const record = chainOf(raw as Claim);
  if (record.length === 0) {
    throw new InvalidClaimError({ index, claimId: rawId, field: "status", expected: NEW_CLAIM_STATUS, received: preview(raw["status"]) });
  }
  const unsealed = record.findIndex((e) => typeof e !== "object" || e === null || e.seal === undefined);
  if (unsealed >= 0) {
    throw new InvalidClaimError({
      index,
      claimId: rawId,
      field: unsealed === record.length - 1 ? "verifiedBy" : `history[${unsealed}]`,
      expected:
        "no value: only a verifier's verdict (claimVerdicts) records who verified a claim. A claim handed on from an earlier run " +
        "or another graph keeps its verdict history only with the channel's seal on every verdict (pass the stored claims as they are)",
      received: preview(record[unsealed]),
    });
  }
  const parsed = ClaimSchema.safeParse(raw);
  if (!parsed.success) throw fromZodError(index, rawId, raw, parsed.error, "Handed-on claim rejected");
  const c = parsed.data;
  const lin = txn.lineageOf(index, c.id, c.origin.basedOn, c.requiresVerification, c.taint);
  const entries = chainOf(c);
  const trusted = checkChain(txn.opts, index, c, entries, 0);
  const last = entries[entries.length - 1];
  if (c.status !== "unverified" && c.status !== last?.status) {
    throw new InvalidClaimError(
      {
        index,
        claimId: c.id,
        field: "status",
        expected: `"unverified" or the status its latest verdict gave (${last?.status === undefined ? "it has none" : `"${last.status}"`}): a status comes only from a verifier's verdict`,
        received: preview(c.status),
      },
      { context: "Handed-on claim rejected" },
    );
  }
  let status = trusted ? c.status : "unverified";
  if (status === "green" && lin.doubt) status = "unverified";
  const confidence = Math.min(c.confidence, lin.cap);
  const claim: Claim = {
    ...c,
    origin: { ...c.origin, basedOn: lin.basedOn },
    confidence,
    status,
    requiresVerification: status === "green" ? false : c.requiresVerification || lin.doubt || status !== "unverified" || status !== c.status,
  };
  if (confidence < c.confidence && claim.statedConfidence === undefined) claim.statedConfidence = c.confidence;
  if (lin.taint !== undefined && lin.taint.size > 0) claim.taint = [...lin.taint].sort();
  txn.append(claim);
}

/**
 * Checks the seals of `entries[from…]` (chained to `entries[from-1]`). True when all are
 * valid seals of this deployment by an accepted verifier; false when one was sealed under
 * another key or not at all (the record is kept, but proves nothing here). A seal of this
 * key that does not match its record was forged or altered: rejected.
 */
export function checkChain(opts: ResolvedClaimsOptions, index: number, claim: Claim, entries: readonly ClaimVerification[], from: number): boolean {
  if (entries.length === 0) return false;
  const print = fingerprint(claim);
  let trusted = true;
  for (let i = from; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.seal === undefined || e.status === undefined) {
      trusted = false;
      continue;
    }
    const check = checkSeal(e.seal, verificationPayload(print, e, i === 0 ? undefined : entries[i - 1]!.seal));
    if (check === "invalid") {
      throw new InvalidClaimError(
        {
          index,
          claimId: claim.id,
          field: i === entries.length - 1 ? "verifiedBy.seal" : `history[${i}].seal`,
          expected: "the seal the channel minted for this verdict on this claim: the record, the claim or the order of its history was altered",
          received: preview(e),
          verifier: e.verifier,
        },
        { context: "Handed-on claim rejected" },
      );
    }
    if (check === "foreign") trusted = false;
  }
  const latest = entries[entries.length - 1]!;
  if (opts.verifiers !== undefined && !opts.verifiers.has(latest.verifier)) trusted = false;
  return trusted;
}

/** A stored claim written again: unchanged, more doubtful, or with its sealed verdict history extended elsewhere. */
export function reconcileClaim(txn: Transaction, index: number, raw: Record<string, any>, stored: Claim, position: number): void {
  checkImmutable(index, raw, stored);
  const status = raw["status"] ?? "unverified";
  const mine = chainOf(stored);
  const theirs = Array.isArray(raw["history"]) || raw["verifiedBy"] !== undefined ? chainOf(raw as Claim) : [];
  const prefix = mine.every((e, i) => theirs[i] !== undefined && sameRecord(e, theirs[i]!));
  if (!prefix || theirs.length < mine.length) {
    throw new InvalidClaimError({
      index,
      claimId: stored.id,
      field: "verifiedBy",
      expected: `the stored verdict history of claim ${quote(stored.id, 60)} (${mine.length} verdict(s)), or that history extended by sealed verdicts: a verdict is recorded only by the channel`,
      received: preview(raw["verifiedBy"]),
    });
  }
  if (theirs.length === mine.length) {
    if (status === stored.status) return checkConfidence(index, raw, stored);
    if (status === "unverified") return doubtClaim(txn, position, Math.min(stored.confidence, numberOr(raw["confidence"], stored.confidence)));
    throw new InvalidClaimError({
      index,
      claimId: stored.id,
      field: "status",
      expected: `"${stored.status}" (the stored status): a status changes only through a verifier's verdict (claimVerdicts)`,
      received: preview(raw["status"]),
    });
  }
  const parsed = ClaimSchema.safeParse(raw);
  if (!parsed.success) throw fromZodError(index, stored.id, raw, parsed.error, "Handed-on claim rejected");
  const c = parsed.data;
  const trusted = checkChain(txn.opts, index, { ...c, origin: stored.origin }, theirs, mine.length);
  const last = theirs[theirs.length - 1]!;
  if (c.status !== "unverified" && c.status !== last.status) {
    throw new InvalidClaimError({
      index,
      claimId: c.id,
      field: "status",
      expected: `"unverified" or "${last.status}" (what its latest verdict said)`,
      received: preview(c.status),
    });
  }
  if (!trusted) return doubtClaim(txn, position, stored.confidence);
  const doubt = txn.lineageOf(index, c.id, stored.origin.basedOn, false, undefined);
  const next = c.status === "green" && doubt.doubt ? "unverified" : c.status;
  txn.set(position, {
    ...stored,
    status: next,
    requiresVerification: next !== "green",
    confidence: Math.min(stored.confidence, c.confidence),
    verifiedBy: last,
    history: theirs.slice(0, -1),
  });
  if (next !== "green") spreadDoubt(txn, position);
}

/** Fields compared when a stored claim is written again; the first difference is reported. */
const IMMUTABLE_FIELDS: readonly [string, (c: Record<string, any>) => unknown][] = [
  ["text", (c) => c["text"]],
  ["value", (c) => c["value"] ?? null],
  ["origin.agent", (c) => c["origin"]?.agent],
  ["origin.source", (c) => c["origin"]?.source],
  ["origin.ref", (c) => c["origin"]?.ref ?? null],
  ["origin.basedOn", (c) => c["origin"]?.basedOn ?? []],
  ["alternatives", (c) => c["alternatives"] ?? []],
];

function immutableNote(id: string): string {
  const q = quote(id, 60);
  return `(claim ${q} is already stored and claims are immutable: write a new claim with basedOn: [${q}] instead)`;
}

function checkImmutable(index: number, raw: Record<string, any>, stored: Claim): void {
  const id = stored.id;
  for (const [field, get] of IMMUTABLE_FIELDS) {
    const want = get(stored as Record<string, any>);
    const got = get(raw);
    if (JSON.stringify(want) !== JSON.stringify(got)) {
      throw new InvalidClaimError({ index, claimId: id, field, expected: `${preview(want)} ${immutableNote(id)}`, received: preview(got) });
    }
  }
  const at = raw["origin"]?.at;
  if (at !== undefined && at !== stored.origin.at) {
    throw new InvalidClaimError({ index, claimId: id, field: "origin.at", expected: `${preview(stored.origin.at)} ${immutableNote(id)}`, received: preview(at) });
  }
}

function checkConfidence(index: number, raw: Record<string, any>, stored: Claim): void {
  const confidence = raw["confidence"];
  if (confidence !== stored.confidence && confidence !== stored.statedConfidence) {
    throw new InvalidClaimError({
      index,
      claimId: stored.id,
      field: "confidence",
      expected: `${stored.confidence} ${immutableNote(stored.id)}`,
      received: preview(confidence),
    });
  }
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && value >= 0 && value <= 1 ? value : fallback;
}
