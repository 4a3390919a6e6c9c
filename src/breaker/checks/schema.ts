/**
 * Validates an answer against a schema: any Standard Schema (zod 3.24+, zod 4, valibot,
 * arktype), applied to the JSON in the answer, to its raw text, or to tool-call arguments.
 */
import { z } from "zod";
import { invalidOption, oneOf, parseOptions, strict, text } from "../../internal/options-schema.js";
import { answerJson, answerText } from "../answer-text.js";
import { defineCheck } from "../define-check.js";
import type { Check, CheckVerdict } from "../types.js";

/** The part of the Standard Schema interface the check uses (zod schemas implement it). */
export interface StandardSchemaLike {
  readonly "~standard": {
    readonly validate: (value: unknown) => StandardResult | Promise<StandardResult>;
  };
}

type StandardResult =
  | { readonly value: unknown; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> }> };

/** The schema of {@link SchemaCheckOptions}. */
export const SchemaCheckOptionsSchema = strict({
  on: oneOf(["json", "text", "tool-args"]).optional(),
  tool: text(200).optional(),
  required: z.boolean({ error: "true or false" }).optional(),
  name: text(100).optional(),
}).refine((o) => (o.tool === undefined && o.required === undefined) || o.on === "tool-args", {
  error: 'on: "tool-args" (tool and required only apply to tool calls)',
  path: ["on"],
});

/** Options of {@link schema}. */
export interface SchemaCheckOptions {
  /**
   * What the schema validates: the JSON value of the answer (`"json"`, a Markdown fence
   * is tolerated), its raw text (`"text"`, e.g. `z.string().regex(…)`), or the arguments of
   * its tool calls (`"tool-args"`).
   * @default "json"
   */
  readonly on?: "json" | "text" | "tool-args";
  /**
   * With `on: "tool-args"`: validate only calls to this tool (others are ignored).
   * @default every tool call
   */
  readonly tool?: string;
  /**
   * With `on: "tool-args"`: fail when the answer has no matching tool call.
   * @default false
   */
  readonly required?: boolean;
  /**
   * Check name in verdicts and errors.
   * @default "schema"
   */
  readonly name?: string;
}

/**
 * Fails answers that do not match `target`: unparseable or off-schema JSON, text that fails
 * a string schema, or tool calls whose arguments are malformed or off-schema.
 *
 * @example
 * ```ts
 * import { z } from "zod/v4";
 * const Verdict = z.object({ label: z.enum(["spam", "ham"]), confidence: z.number() });
 * withSemanticBreaker(model, { checks: [nonEmpty(), schema(Verdict)] });
 * withSemanticBreaker(model, { checks: [schema(z.object({ city: z.string() }), { on: "tool-args", tool: "get_weather" })] });
 * ```
 */
export function schema(target: StandardSchemaLike, options: SchemaCheckOptions = {}): Check {
  const validateFn = (target as { "~standard"?: { validate?: unknown } } | null | undefined)?.["~standard"]?.validate;
  if (typeof validateFn !== "function") {
    throw invalidOption("schema", "target", target, "a Standard Schema (zod 3.24+, zod 4, valibot, arktype), e.g. z.object({ … })");
  }
  options = parseOptions(SchemaCheckOptionsSchema, options, "schema");
  const on = options.on ?? "json";
  const name = options.name ?? (on === "tool-args" && options.tool ? `schema(${options.tool})` : "schema");
  const validate = (value: unknown, where: string): CheckVerdict | Promise<CheckVerdict> => {
    const result = target["~standard"].validate(value);
    return isPromiseLike(result) ? result.then((r) => toVerdict(r, where)) : toVerdict(result, where);
  };
  if (on === "text") return defineCheck(name, (answer) => validate(answerText(answer), "the answer text"));
  if (on === "json") {
    return defineCheck(name, (answer) => {
      const reading = answerJson(answer);
      return reading.ok ? validate(reading.value, "the answer JSON") : { ok: false, reason: reading.error };
    });
  }
  return defineCheck(name, (answer) => {
    const broken = (answer.invalid_tool_calls ?? []).find((call) => !options.tool || call.name === options.tool);
    if (broken) {
      return { ok: false, reason: `tool call ${broken.name ?? "(unnamed)"} has arguments that are not valid JSON: ${broken.error ?? broken.args ?? ""}`.trim() };
    }
    const calls = (answer.tool_calls ?? []).filter((call) => !options.tool || call.name === options.tool);
    if (calls.length === 0) {
      return options.required
        ? { ok: false, reason: `no call to ${options.tool ?? "any tool"} in the answer` }
        : { ok: true };
    }
    const verdicts = calls.map((call) => validate(call.args, `the arguments of tool call ${call.name}`));
    if (!verdicts.some(isPromiseLike)) return firstFailure(verdicts as CheckVerdict[]);
    return Promise.all(verdicts).then(firstFailure);
  });
}

function toVerdict(result: StandardResult, where: string): CheckVerdict {
  if (!result.issues) return { ok: true };
  const issues = result.issues
    .slice(0, 3)
    .map((issue) => {
      const path = (issue.path ?? []).map((p) => String(typeof p === "object" && p !== null ? p.key : p)).join(".");
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
  const more = result.issues.length > 3 ? ` (+${result.issues.length - 3} more)` : "";
  return { ok: false, reason: `${where} does not match the schema: ${issues}${more}` };
}

function firstFailure(verdicts: readonly CheckVerdict[]): CheckVerdict {
  return verdicts.find((v) => !v.ok) ?? { ok: true };
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
