/** Internal: a zod error as an {@link InvalidClaimError} naming the item, the field, what was expected and what was received. */
import type { z } from "zod/v4";
import { InvalidClaimError, preview } from "./errors.js";

/** Turns the first zod issue into an {@link InvalidClaimError}. */
export function fromZodError(
  index: number,
  claimId: string | undefined,
  raw: unknown,
  error: z.ZodError,
  context?: string,
): InvalidClaimError {
  const issue = closestIssue(error.issues[0]!);
  const path: PropertyKey[] = [...issue.path];
  if (issue.code === "unrecognized_keys") path.push(issue.keys[0]!);
  const field = formatPath(path) || "(item)";
  let expected: string;
  if (issue.code === "unrecognized_keys") expected = "no such field (check its spelling against the schema)";
  else {
    const at = issue.message.indexOf("expected ");
    expected = at >= 0 ? issue.message.slice(at + "expected ".length).replace(/, received .*$/, "") : `a valid value (${issue.message})`;
  }
  return new InvalidClaimError(
    { index, claimId, field, expected, received: preview(valueAt(raw, path)) },
    { cause: error, ...(context === undefined ? {} : { context }) },
  );
}

/**
 * For a union, the first issue of the branch the input came closest to (the first branch whose
 * complaint is not "wrong type at the top"), with its path made absolute: "field text: expected
 * string" says more than "invalid input".
 */
function closestIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return issue;
  const branches = issue.errors.filter((b) => b.length > 0);
  const best = branches.find((b) => !(b[0]!.code === "invalid_type" && b[0]!.path.length === 0)) ?? branches[0];
  if (best === undefined) return issue;
  const inner = closestIssue(best[0]!);
  return { ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out === "" ? String(key) : `.${String(key)}`;
  return out;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
