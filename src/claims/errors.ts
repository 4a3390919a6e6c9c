import { FirebreakError } from "../internal/errors.js";

/** Where and why a claims update was rejected; carried by {@link InvalidClaimError}. */
export interface InvalidClaimDetails {
  /** Position of the offending item in the update (0 when the update is a single item). */
  readonly index: number;
  /** Id of the claim concerned, when it has or names one. */
  readonly claimId?: string | undefined;
  /** Path of the offending field inside the item, e.g. `"confidence"` or `"origin.basedOn[1]"`. */
  readonly field: string;
  /** What the field must hold. */
  readonly expected: string;
  /** A short rendering of what was received, when useful. */
  readonly received?: string | undefined;
  /** The node that wrote the update, when known (node-time checks know it; a reducer does not). */
  readonly node?: string | undefined;
  /** The verifier a rejected verdict was signed with, for verdict batches. */
  readonly verifier?: string | undefined;
}

/**
 * Thrown when a claims update (or a posterior reply) breaks a rule of the claims channel.
 * The whole update is rejected: the channel never applies part of it.
 */
export class InvalidClaimError extends FirebreakError {
  override name = "InvalidClaimError";
  /** Position of the offending item in the update. */
  readonly index: number;
  /** Id of the claim concerned, if known. */
  readonly claimId: string | undefined;
  /** Path of the offending field inside the item. */
  readonly field: string;
  /** What the field must hold. */
  readonly expected: string;
  /** A short rendering of what was received, if any. */
  readonly received: string | undefined;
  /** The node that wrote the update, when known. */
  readonly node: string | undefined;
  /** The verifier a rejected verdict was signed with, for verdict batches. */
  readonly verifier: string | undefined;

  constructor(details: InvalidClaimDetails, options?: { cause?: unknown; context?: string }) {
    const by = [
      details.node === undefined ? undefined : `written by ${details.node.startsWith("(") ? details.node : `node "${details.node}"`}`,
      details.verifier === undefined ? undefined : `signed as verifier "${details.verifier}"`,
    ].filter(Boolean);
    const where = `item ${details.index}${details.claimId ? ` (claim "${details.claimId}")` : ""}${by.length ? `, ${by.join(", ")}` : ""}`;
    const got = details.received === undefined ? "" : `, received ${details.received}`;
    super(
      "INVALID_CLAIM",
      `${options?.context ?? "Claims update rejected"}: ${where}, field "${details.field}": ` +
        `expected ${details.expected}${got}. The whole update was rejected and nothing was applied; ` +
        `fix this item and write the update again.`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.index = details.index;
    this.claimId = details.claimId;
    this.field = details.field;
    this.expected = details.expected;
    this.received = details.received;
    this.node = details.node;
    this.verifier = details.verifier;
  }
}

/** Thrown when the write-once intent channel receives a second, different intent. */
export class IntentAlreadySetError extends FirebreakError {
  override name = "IntentAlreadySetError";
  /** Who wrote the intent that stands (`undefined` when the writer did not say). */
  readonly setBy: string | undefined;
  /** Who tried to replace it (`undefined` when the writer did not say). */
  readonly attemptedBy: string | undefined;

  constructor(setBy: string | undefined, attemptedBy: string | undefined) {
    super(
      "INTENT_ALREADY_SET",
      `The original intent is write-once: it was set by ${describeWriter(setBy)}, and ` +
        `${describeWriter(attemptedBy)} tried to replace it with a different intent. Record refinements ` +
        `as claims or constraints instead, or start a new thread for a new task.`,
    );
    this.setBy = setBy;
    this.attemptedBy = attemptedBy;
  }
}

/** Thrown by {@link withWriteContract} when a node writes a key or a value its contract forbids. */
export class WriteContractError extends FirebreakError {
  override name = "WriteContractError";
  /** The node that broke its contract. */
  readonly node: string;
  /** The state key concerned. */
  readonly key: string;

  constructor(node: string, key: string, message: string) {
    super("WRITE_CONTRACT", message);
    this.node = node;
    this.key = key;
  }
}

function describeWriter(name: string | undefined): string {
  return name ? `node "${name}"` : "an unnamed writer (the graph input, or a node that did not give `setBy`)";
}

/** A short, bounded rendering of a value for error messages. */
export function preview(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? "undefined" : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  if (text === undefined) text = String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
