import { FirebreakError, hasFirebreakCode } from "../internal/errors.js";
import { quote } from "../internal/quote.js";

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
  readonly #context: string | undefined;

  constructor(details: InvalidClaimDetails, options?: { cause?: unknown; context?: string }) {
    // Ids, node and verifier names come from the update: quoted and cut, so a 1 MB id never
    // makes a 1 MB message (the properties keep the full values).
    const by = [
      details.node === undefined ? undefined : `written by ${details.node.startsWith("(") ? details.node : `node ${quote(details.node, 60)}`}`,
      details.verifier === undefined ? undefined : `signed as verifier ${quote(details.verifier, 60)}`,
    ].filter(Boolean);
    const where = `item ${details.index}${details.claimId ? ` (claim ${quote(details.claimId, 60)})` : ""}${by.length ? `, ${by.join(", ")}` : ""}`;
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
    this.#context = options?.context;
  }

  /** This error with the writing node named (node-time checks know it; the reducer does not). */
  withNode(node: string): InvalidClaimError {
    if (this.node !== undefined) return this;
    const details: InvalidClaimDetails = {
      index: this.index,
      claimId: this.claimId,
      field: this.field,
      expected: this.expected,
      received: this.received,
      node,
      verifier: this.verifier,
    };
    return new InvalidClaimError(details, { cause: this.cause, ...(this.#context === undefined ? {} : { context: this.#context }) });
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
  /** The claim concerned, when the broken rule is about one. */
  readonly claimId: string | undefined;
  /** The verifier a rejected verdict batch was signed with. */
  readonly verifier: string | undefined;

  constructor(node: string, key: string, message: string, details: { readonly claimId?: string | undefined; readonly verifier?: string | undefined } = {}) {
    super("WRITE_CONTRACT", message);
    this.node = node;
    this.key = key;
    this.claimId = details.claimId;
    this.verifier = details.verifier;
  }
}

function describeWriter(name: string | undefined): string {
  return name ? `node "${name}"` : "an unnamed writer (the graph input, or a node that did not give `setBy`)";
}

/**
 * A short, bounded rendering of a value for error messages: JSON for plain data (so a
 * stored value reads as it is written), `quote` for what JSON would misstate (NaN, Infinity,
 * -0, functions, class instances) and for long strings (never serialised whole).
 */
export function preview(value: unknown): string {
  if (typeof value !== "object" || value === null) return quote(value);
  if (!isPlainData(value, 3)) return quote(value);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return quote(value);
  }
  if (text === undefined) return quote(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** True for arrays and plain objects of JSON-safe scalars, small enough to serialise for a preview. */
function isPlainData(value: unknown, depth: number, budget = { items: 200 }): boolean {
  if (--budget.items < 0) return false;
  if (value === null || typeof value === "boolean") return true;
  if (typeof value === "string") return value.length <= 200;
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== "object" || depth === 0) return false;
  if (Array.isArray(value)) return value.every((v) => isPlainData(v, depth - 1, budget));
  const proto = Object.getPrototypeOf(value);
  if (proto !== null && proto !== Object.prototype) return false;
  return Object.values(value).every((v) => v === undefined || isPlainData(v, depth - 1, budget));
}

/** True for an {@link InvalidClaimError}, even one thrown by another copy of the package. */
export function isInvalidClaimError(error: unknown): error is InvalidClaimError {
  return hasFirebreakCode(error, "INVALID_CLAIM");
}

/** True for an {@link IntentAlreadySetError}, even one thrown by another copy of the package. */
export function isIntentAlreadySetError(error: unknown): error is IntentAlreadySetError {
  return hasFirebreakCode(error, "INTENT_ALREADY_SET");
}

/** True for a {@link WriteContractError}, even one thrown by another copy of the package. */
export function isWriteContractError(error: unknown): error is WriteContractError {
  return hasFirebreakCode(error, "WRITE_CONTRACT");
}
