/**
 * Writing checks, and running a list of them against one answer (cheapest first, stopping
 * at the first failure; synchronous checks never pay for a promise).
 */
import { FirebreakError } from "../internal/errors.js";
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
    if (!verdict.ok) return named(check, verdict);
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
  if (!first.ok) return named(checks[index]!, first);
  for (let i = index + 1; i < checks.length; i++) {
    const check = checks[i]!;
    const verdict = await settleCheck(check, callCheck(check, answer, context));
    if (!verdict.ok) return named(check, verdict);
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

function checkThrew(check: Check, error: unknown): FirebreakError {
  return new FirebreakError(
    "INVALID_OPTIONS",
    `Check "${checkName(check)}" threw instead of returning a verdict: ${(error as Error)?.message ?? String(error)}. ` +
      `A check must return { ok: false, reason } for a bad answer; a throwing check fails the call without counting against the provider.`,
    { cause: error },
  );
}

function named(check: Check, verdict: CheckVerdict): NamedVerdict {
  return { check: checkName(check), ok: verdict.ok, reason: verdict.reason ?? `failed ${checkName(check)}`, ...(verdict.score !== undefined ? { score: verdict.score } : {}) };
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
