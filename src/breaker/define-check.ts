/**
 * Writing checks, and running a list of them against one answer (cheapest first, stopping
 * at the first failure; synchronous checks never pay for a promise).
 */
import { z } from "zod";
import { InvalidOutputError } from "../internal/invalid-output-error.js";
import { fn, parseOptions, strict, text } from "../internal/options-schema.js";
import { quote } from "../internal/quote.js";

/** The schema of `defineCheck`'s arguments. */
const DefineCheckSchema = z.tuple([
  text(100),
  fn("a function (answer, context) => { ok, reason? }"),
  strict({ onAccepted: fn("a function (answer, context) => void").optional() }).optional(),
]);
import type { BreakerAnswer, Check, CheckContext, CheckVerdict, NamedVerdict } from "./types.js";

/**
 * Names a check function, so its verdicts and the errors they cause say which check spoke.
 *
 * @example
 * ```ts
 * const mentionsCitation = defineCheck("mentionsCitation", (answer) =>
 *   /\[\d+\]/.test(answerText(answer)) ? { ok: true } : { ok: false, reason: "no [n] citation" },
 * );
 * const guarded = withSemanticBreaker(model, { checks: [nonEmpty(), mentionsCitation] });
 * ```
 */
export function defineCheck(
  name: string,
  fn: (answer: BreakerAnswer, context: CheckContext) => CheckVerdict | Promise<CheckVerdict>,
  hooks: { readonly onAccepted?: Check["onAccepted"] } = {},
): Check {
  parseOptions(DefineCheckSchema, [name, fn, hooks], "defineCheck", "arguments");
  const check = ((answer: BreakerAnswer, context: CheckContext) => fn(answer, context)) as Check;
  Object.defineProperty(check, "name", { value: name, configurable: true });
  if (hooks.onAccepted) check.onAccepted = hooks.onAccepted;
  return check;
}

/** A check's display name. */
export function checkName(check: Check): string {
  return check.name || "anonymous check";
}

/**
 * Runs `checks` in order and returns the first failing verdict, or `undefined` when all
 * pass. Returns synchronously while every check is synchronous.
 * @internal
 */
export function runChecks(
  checks: readonly Check[],
  answer: BreakerAnswer,
  context: CheckContext,
): NamedVerdict | undefined | Promise<NamedVerdict | undefined> {
  for (let i = 0; i < checks.length; i++) {
    const check = checks[i]!;
    const verdict = callCheck(check, answer, context);
    if (isPromiseLike(verdict)) return finishAsync(checks, i, verdict, answer, context);
    if (verdict?.ok !== true) return named(check, asVerdict(check, verdict));
  }
  return undefined;
}

async function finishAsync(
  checks: readonly Check[],
  index: number,
  pending: PromiseLike<CheckVerdict>,
  answer: BreakerAnswer,
  context: CheckContext,
): Promise<NamedVerdict | undefined> {
  const first = await settleCheck(checks[index]!, pending);
  if (first?.ok !== true) return named(checks[index]!, asVerdict(checks[index]!, first));
  for (let i = index + 1; i < checks.length; i++) {
    const check = checks[i]!;
    const verdict = await settleCheck(check, callCheck(check, answer, context));
    if (verdict?.ok !== true) return named(check, asVerdict(check, verdict));
  }
  return undefined;
}

function callCheck(check: Check, answer: BreakerAnswer, context: CheckContext): CheckVerdict | PromiseLike<CheckVerdict> {
  try {
    return check(answer, context);
  } catch (error) {
    throw checkThrew(check, error);
  }
}

async function settleCheck(check: Check, verdict: CheckVerdict | PromiseLike<CheckVerdict>): Promise<CheckVerdict> {
  try {
    return await verdict;
  } catch (error) {
    throw checkThrew(check, error);
  }
}

/**
 * A verdict that is not `{ ok: boolean }` is a bug in the check, not the provider's fault:
 * it fails the call without counting (like a throwing check).
 */
function asVerdict(check: Check, verdict: unknown): CheckVerdict {
  if (typeof verdict === "object" && verdict !== null && (verdict as CheckVerdict).ok === false) return verdict as CheckVerdict;
  throw new InvalidOutputError(
    { source: `check "${checkName(check)}"`, expected: "a verdict { ok: boolean, reason? }", received: quote(verdict) },
    `Check "${checkName(check)}" returned ${quote(verdict)} instead of a verdict { ok: boolean, reason? }. ` +
      `A bad verdict fails the call without counting against the provider.`,
  );
}

function checkThrew(check: Check, error: unknown): InvalidOutputError {
  return new InvalidOutputError(
    { source: `check "${checkName(check)}"`, expected: "a verdict { ok: boolean, reason? }", received: `a thrown ${quote((error as Error)?.name ?? typeof error)}` },
    `Check "${checkName(check)}" threw instead of returning a verdict: ${quote((error as Error)?.message ?? error, 200)}. ` +
      `A check must return { ok: false, reason } for a bad answer; a throwing check fails the call without counting against the provider.`,
    { cause: error },
  );
}

function named(check: Check, verdict: CheckVerdict): NamedVerdict {
  // A check's reason ends up in errors, events and traces: keep it bounded.
  const reason = typeof verdict.reason === "string" ? (verdict.reason.length > 300 ? `${verdict.reason.slice(0, 299)}…` : verdict.reason) : `failed ${checkName(check)}`;
  return { check: checkName(check), ok: verdict.ok, reason, ...(verdict.score !== undefined ? { score: verdict.score } : {}) };
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
