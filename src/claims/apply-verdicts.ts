/**
 * Internal: applying a verdict batch (`claimVerdicts`), the only update that changes a status.
 * A pipeline of named steps: parse the batch (its evidence ids normalised) → find the claims it
 * judges and the version of each → apply it once per update → who vouches for it (its seal) →
 * record each verdict (author and evidence rules, a sealed verification record, doubt).
 */
import type { z } from "zod/v4";
import { ClaimVerdictsSchema, type Claim, type ClaimVerification } from "./claim-schema.js";
import type { ResolvedClaimsOptions } from "./claims-options.js";
import { restsOnDoubt, spreadDoubt } from "./doubt.js";
import { InvalidClaimError, preview } from "./errors.js";
import { checkEvidence, liftsClaim, normalizeEvidence } from "./evidence.js";
import { fastVerdicts } from "./fast-parse.js";
import { fingerprint, seal, verificationPayload, versionOf, type ClaimVersion } from "./seal.js";
import type { Transaction } from "./transaction.js";
import { sealAuthority } from "./verdict-authority.js";
import { fromZodError } from "./zod-error.js";
import { quote } from "../internal/quote.js";

/** A verdict batch as the channel parsed it. */
export type ParsedBatch = z.output<typeof ClaimVerdictsSchema>;

/** Applies the verdict batch `raw` at update item `index`. */
export function applyVerdicts(txn: Transaction, index: number, raw: object): void {
  const batch = parseVerdictBatch(txn.opts, index, raw);
  const positions = judgedPositions(txn, index, batch);
  // The version of each judged claim the batch was made on: as the claim stood before any
  // batch of this update changed it (two batches of one update judge the same version).
  const versions = positions.map((p) => txn.judgedVersions.get(p) ?? versionOf(txn.at(p)));
  applyOnce(txn, index, batch);
  const sealed = txn.context.sealedNow?.has(raw) ? true : sealAuthority(txn, index, batch, positions, versions);
  if (sealed === "unconfirmed") return flagUnconfirmed(txn, positions);
  const at = batch.at ?? txn.now();
  const fetched = new Set(batch.fetched ?? []);
  for (let j = 0; j < batch.verdicts.length; j++) recordVerdict(txn, { index, batch, j, position: positions[j]!, version: versions[j]!, sealed, at, fetched });
}

/**
 * Step 1: the batch's shape and verifier (one of the channel's `verifiers` when listed), one
 * verdict per claim; evidence and fetched ids normalised once here (see `evidence.ts`).
 */
export function parseVerdictBatch(opts: ResolvedClaimsOptions, index: number, raw: object): ParsedBatch {
  let batch = fastVerdicts(raw as Record<string, unknown>);
  if (batch === undefined) {
    const parsed = ClaimVerdictsSchema.safeParse(raw);
    if (!parsed.success) throw fromZodError(index, undefined, raw, parsed.error);
    batch = parsed.data;
  }
  const { verifiers } = opts;
  if (verifiers !== undefined && !verifiers.has(batch.verifier)) {
    throw new InvalidClaimError({
      index,
      field: "verifier",
      claimId: batch.verdicts[0]?.id,
      expected: `one of the channel's verifiers (${preview([...verifiers])})`,
      received: preview(batch.verifier),
      verifier: batch.verifier,
    });
  }
  const judged = new Set<string>();
  batch.verdicts.forEach((verdict, j) => {
    if (judged.has(verdict.id)) {
      throw new InvalidClaimError({
        index,
        claimId: verdict.id,
        field: `verdicts[${j}].id`,
        expected: "one verdict per claim in a batch (this claim was already judged earlier in the batch)",
        received: preview(verdict.id),
      });
    }
    judged.add(verdict.id);
    verdict.evidence = normalizeEvidence(verdict.evidence);
  });
  if (batch.fetched !== undefined) batch.fetched = normalizeEvidence(batch.fetched);
  return batch;
}

/** Step 2: the position of each judged claim (stored, or earlier in this update). */
export function judgedPositions(txn: Transaction, index: number, batch: ParsedBatch): number[] {
  return batch.verdicts.map((verdict, j) => {
    const position = txn.position(verdict.id);
    if (position < 0) {
      throw new InvalidClaimError({
        index,
        claimId: verdict.id,
        field: `verdicts[${j}].id`,
        expected: "the id of a claim already in state or earlier in this update",
        received: preview(verdict.id),
        verifier: batch.verifier,
      });
    }
    return position;
  });
}

/** Step 3: a sealed batch applies once per update (keyed by its MAC): a second copy is rejected. */
export function applyOnce(txn: Transaction, index: number, batch: ParsedBatch): void {
  if (batch.seal === undefined) return;
  if (txn.appliedSeals.has(batch.seal.mac)) {
    throw new InvalidClaimError({
      index,
      claimId: batch.verdicts[0]?.id,
      field: "seal",
      expected: "a verdict batch that has not been applied already in this update (a sealed batch applies once)",
      received: "a second copy of a batch applied earlier in this update",
      verifier: batch.verifier,
    });
  }
  txn.appliedSeals.add(batch.seal.mac);
}

/**
 * A batch sealed under another key (a verdict saved by a process that died, re-applied without
 * FIREBREAK_CLAIMS_KEY, or a forgery with a made-up key) proves nothing: it changes no status, and
 * the claims it judged are flagged to be verified again.
 */
export function flagUnconfirmed(txn: Transaction, positions: readonly number[]): void {
  for (const position of positions) {
    const claim = txn.at(position);
    if (claim.status !== "green" && !claim.requiresVerification) txn.set(position, { ...claim, requiresVerification: true });
  }
}

/** One verdict of a batch being recorded. */
export interface VerdictStep {
  readonly index: number;
  readonly batch: ParsedBatch;
  readonly j: number;
  readonly position: number;
  readonly version: ClaimVersion;
  /** Whether the batch carried a valid seal (its verification is then sealed too). */
  readonly sealed: boolean;
  readonly at: string;
  readonly fetched: ReadonlySet<string>;
}

/**
 * Step 5: records verdict `j`: the verifier is not the claim's author (unless allowed), a verdict
 * that lifts the claim meets the evidence rule, the verification is stored (sealed, chained to the
 * previous one), and a verdict other than green reaches every descendant.
 */
export function recordVerdict(txn: Transaction, step: VerdictStep): void {
  const { index, batch, j, position } = step;
  const verdict = batch.verdicts[j]!;
  const claim = txn.at(position);
  if (!txn.opts.allowSelfVerification && claim.origin.agent === batch.verifier) {
    throw new InvalidClaimError({
      index,
      claimId: verdict.id,
      field: "verifier",
      expected: `a verifier other than the claim's author ${quote(claim.origin.agent, 60)} (self-verification adds no information; set allowSelfVerification to permit it)`,
      received: preview(batch.verifier),
      verifier: batch.verifier,
    });
  }
  if (liftsClaim(claim, verdict.status)) checkEvidence(index, j, batch.verifier, claim, verdict, step.fetched);
  const verification: ClaimVerification = { verifier: batch.verifier, at: step.at, reason: verdict.reason, evidence: [...verdict.evidence], status: verdict.status };
  if (batch.task !== undefined) verification.task = batch.task;
  if (step.sealed) verification.seal = seal(verificationPayload(fingerprint(claim), verification, claim.verifiedBy?.seal));
  const next: Claim = { ...claim, requiresVerification: verdict.status !== "green", status: verdict.status, verifiedBy: verification };
  if (claim.verifiedBy !== undefined) next.history = [...(claim.history ?? []), claim.verifiedBy];
  // Green clears the flag only when no ancestor is red or yellow: doubt is not lifted by
  // re-greening a claim that still rests on a refuted one (its cap is never lifted either).
  if (verdict.status === "green" && restsOnDoubt(txn, next)) next.requiresVerification = true;
  if (!txn.judgedVersions.has(position)) txn.judgedVersions.set(position, step.version);
  txn.set(position, next);
  if (verdict.status !== "green") spreadDoubt(txn, position);
}
