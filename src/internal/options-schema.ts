/**
 * Option validation for every public factory: one zod schema per options type, parsed once
 * at construction, and one error shape when it fails. The error names the option (its path,
 * `retry.attempts`, `fallbacks[1].halfOpenAfter`), quotes the value received (cut to a fixed
 * length by `quote`, NaN and Infinity shown as such), and says what is allowed. Unknown keys
 * are rejected (strict objects), and so are timer values Node cannot honour (above 2³¹−1 ms
 * Node fires the timer after 1 ms).
 *
 * The builders below (`integer`, `timerMs`, `share`, `oneOf`, `text`, `fn`, `strict`)
 * carry their "allowed" wording, so every factory phrases the same rule the same way.
 *
 * @example
 * ```ts
 * const RetrySchema = strict({ attempts: integer(0, 10).optional(), delayMs: timerMs().optional() });
 * const retry = parseOptions(RetrySchema, userInput, "withRetry", "retry");
 * // withRetry: retry.attempts received 1000000000; allowed: an integer from 0 to 10.
 * ```
 */
import { z } from "zod";
import { FirebreakError, hasFirebreakCode } from "./errors.js";
import { quote } from "./quote.js";

/** Longest delay Node's timers honour, in milliseconds (2³¹−1, about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** One problem found in an options object. */
export interface OptionProblem {
  /** Where: `options`, `trip.threshold`, `checks[0]`, `fallbacks[1].halfOpenAfter`… */
  readonly option: string;
  /** The value received, quoted and cut to a fixed length (`quote`). */
  readonly received: string;
  /** What the option accepts. */
  readonly allowed: string;
}

/**
 * Options that failed validation (code `INVALID_OPTIONS`). The message names the first
 * problem (and counts the others); `problems` lists all of them as data.
 */
export class InvalidOptionsError extends FirebreakError {
  override name = "InvalidOptionsError";
  /** The first problem's option path. */
  readonly option: string;
  /** The first problem's received value, quoted and shortened. */
  readonly received: string;
  /** What the first problem's option accepts. */
  readonly allowed: string;
  /** The problems found, the first {@link MAX_OPTION_PROBLEMS} of them (the message counts them all). */
  readonly problems: readonly OptionProblem[];

  /**
   * `where` names the factory or function (`withSemanticBreaker`), `problems` what is wrong.
   * `options.message` replaces the generated message where a call site says more (what to do).
   */
  constructor(where: string, problems: readonly OptionProblem[], options?: { readonly message?: string; readonly cause?: unknown }) {
    const first = problems[0] ?? { option: "options", received: "?", allowed: "valid options" };
    const more = problems.length > 1 ? ` (+${problems.length - 1} more problem${problems.length > 2 ? "s" : ""})` : "";
    super(
      "INVALID_OPTIONS",
      options?.message ?? `${where}: ${first.option} received ${first.received}; allowed: ${first.allowed}.${more}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.option = first.option;
    this.received = first.received;
    this.allowed = first.allowed;
    this.problems = problems.length > MAX_OPTION_PROBLEMS ? problems.slice(0, MAX_OPTION_PROBLEMS) : problems;
  }
}

/** True for an {@link InvalidOptionsError}, even one thrown by another copy of the package. */
export function isInvalidOptionsError(error: unknown): error is InvalidOptionsError {
  return hasFirebreakCode(error, "INVALID_OPTIONS");
}

/**
 * Parses `value` with `schema` or throws {@link InvalidOptionsError}. `where` names the
 * factory (`withSemanticBreaker`), `root` the argument (`options`, `minLength`).
 */
export function parseOptions<S extends z.ZodType>(schema: S, value: unknown, where: string, root = "options"): z.output<S> {
  let result: z.ZodSafeParseResult<z.output<S>>;
  try {
    const shape = expectsObject(schema) ? shapeProblem(value, root) : undefined;
    if (shape !== undefined) throw new InvalidOptionsError(where, [shape]);
    result = schema.safeParse(value, { reportInput: true, error: allowedByDefault });
  } catch (error) {
    if (error instanceof InvalidOptionsError) throw error;
    // A getter that throws, a revoked Proxy, a Proxy trap that throws: the options cannot be read as data.
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidOptionsError(where, [
      {
        option: pathText(throwingPath(value, 0) ?? [], root),
        received: `a value that threw when read (${quote(reason, 40)})`,
        allowed: "plain data: no getters that throw, no revoked or throwing proxies",
      },
    ]);
  }
  if (result.success) return result.data;
  let problems: OptionProblem[];
  try {
    problems = problemsOf(result.error.issues, [], root);
  } catch {
    problems = [{ option: root, received: "a value that could not be read back", allowed: "plain data: no getters that throw, no revoked or throwing proxies" }];
  }
  throw new InvalidOptionsError(where, problems);
}

/** The path of the first property whose read throws (a getter, a proxy trap), searched through plain objects and arrays. */
function throwingPath(value: unknown, depth: number): PropertyKey[] | undefined {
  if (typeof value !== "object" || value === null || depth > 4) return undefined;
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch {
    return [];
  }
  for (const key of keys.slice(0, 1_000)) {
    const step: PropertyKey = Array.isArray(value) ? Number(key) : key;
    let inner: unknown;
    try {
      inner = (value as Record<string, unknown>)[key];
    } catch {
      return [step];
    }
    const found = throwingPath(inner, depth + 1);
    if (found !== undefined) return [step, ...found];
  }
  return undefined;
}

/** Quotes `object[key]`, or says that reading it threw (an unknown key's getter is read only here). */
function readQuoted(object: Record<string, unknown>, key: string): string {
  try {
    return quote(object[key]);
  } catch (error) {
    return `a value that threw when read (${quote(error instanceof Error ? error.message : String(error), 40)})`;
  }
}

/** How many problems an {@link InvalidOptionsError} keeps as data (the message counts them all). */
export const MAX_OPTION_PROBLEMS = 20;

/** True when `schema` (through optional/default/nullable wrappers) is an object schema. */
function expectsObject(schema: z.ZodType): boolean {
  let def = (schema as { _zod?: { def?: { type?: string; innerType?: z.ZodType } } })._zod?.def;
  for (let depth = 0; def !== undefined && depth < 8; depth++) {
    if (def.type === "object") return true;
    if (def.innerType === undefined) return false;
    def = (def.innerType as { _zod?: { def?: { type?: string; innerType?: z.ZodType } } })._zod?.def;
  }
  return false;
}

/** Built-in objects that zod's object schema would read as an empty options object. */
const NOT_OPTIONS: readonly (abstract new (...args: never[]) => unknown)[] = [Map, Set, WeakMap, WeakSet, Date, RegExp, Promise, ArrayBuffer];

/**
 * What zod's object schemas do not see: a Map, Set, Date… given as the options object (read as
 * `{}`), and symbol keys (ignored), at any depth of plain objects. Reads descriptors only, so a
 * getter is never called here; bounded in depth and keys.
 */
function shapeProblem(value: unknown, root: string): OptionProblem | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const kind = NOT_OPTIONS.find((type) => value instanceof type);
  if (kind !== undefined) return { option: root, received: `a ${kind.name}`, allowed: "a plain options object" };
  return symbolKey(value, root, 0, { budget: 10_000 });
}

function symbolKey(value: object, path: string, depth: number, left: { budget: number }): OptionProblem | undefined {
  const symbols = Object.getOwnPropertySymbols(value);
  if (symbols.length > 0) return { option: path, received: quote(symbols[0]), allowed: "no symbol keys (options are named by strings)" };
  if (depth >= 4) return undefined;
  for (const key of Object.keys(value)) {
    if (--left.budget < 0) return undefined;
    const inner = Object.getOwnPropertyDescriptor(value, key)?.value as unknown;
    if (typeof inner !== "object" || inner === null) continue;
    const proto = Object.getPrototypeOf(inner) as unknown;
    if (proto !== Object.prototype && proto !== null && !Array.isArray(inner)) continue; // models, tools, schemas: not option objects
    const found = symbolKey(inner, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, depth + 1, left);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Throws an {@link InvalidOptionsError} for a rule a schema cannot express (cross-argument checks). */
export function invalidOption(where: string, option: string, value: unknown, allowed: string): InvalidOptionsError {
  return new InvalidOptionsError(where, [{ option, received: quote(value), allowed }]);
}

// ---------------------------------------------------------------------------------------
// Builders with their "allowed" wording.

/** An integer in `[min, max]`. */
export function integer(min: number, max: number): z.ZodNumber {
  const error = `an integer from ${fmt(min)} to ${fmt(max)}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** A number in `[min, max]` (finite; NaN and Infinity are rejected). */
export function numberIn(min: number, max: number, wording?: string): z.ZodNumber {
  const error = wording ?? `a number from ${fmt(min)} to ${fmt(max)}`;
  return z.number({ error }).min(min, { error }).max(max, { error });
}

/** A share strictly between 0 and 1. */
export function share(): z.ZodNumber {
  const error = "a number strictly between 0 and 1 (a share, e.g. 0.5)";
  return z.number({ error }).gt(0, { error }).lt(1, { error });
}

/**
 * Milliseconds for a timer: finite, from `min` to 2³¹−1 (Node clamps longer delays to 1 ms,
 * so a "30-day" timeout would fire at once). `zeroMeans` documents what `0` does.
 */
export function timerMs(options: { readonly min?: number; readonly zeroMeans?: string } = {}): z.ZodNumber {
  const min = options.min ?? 0;
  const error =
    `a number of milliseconds from ${fmt(min)} to ${fmt(MAX_TIMER_MS)} (2^31−1, ~24.8 days: Node fires longer timers at once)` +
    (options.zeroMeans && min === 0 ? `; 0 ${options.zeroMeans}` : "");
  return z.number({ error }).min(min, { error }).max(MAX_TIMER_MS, { error });
}

/** One of the given string literals. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T): z.ZodEnum<{ [K in T[number]]: K }> {
  return z.enum(values as unknown as [string, ...string[]], { error: `one of ${values.map((v) => JSON.stringify(v)).join(", ")}` }) as never;
}

/** A string with at least one non-blank character and at most `max` characters. */
export function text(max = 200): z.ZodString {
  const error = `a non-blank string of at most ${fmt(max)} characters`;
  return z.string({ error }).max(max, { error }).refine((s) => s.trim().length > 0, { error });
}

/** A function; `wording` says which one (e.g. "a check: (answer, context) => verdict"). */
export function fn<T extends (...args: never[]) => unknown>(wording: string): z.ZodType<T> {
  return z.custom<T>((v) => typeof v === "function", { error: wording });
}

/** An object whose keys are exactly `shape`'s (unknown keys are rejected). */
export function strict<S extends z.core.$ZodLooseShape>(shape: S, wording = "an options object"): z.ZodObject<S, z.core.$strict> {
  // The wording is for "not an object"; unknown keys get the list of known ones (default map).
  return z.strictObject(shape, { error: (issue) => (issue.code === "invalid_type" ? wording : undefined) });
}

/**
 * LangGraph's node `RetryPolicy` (`initialInterval`, `backoffFactor`, `maxInterval`,
 * `maxAttempts`, `jitter`, `retryOn`, `logWarning`), with its timers bounded.
 */
export function retryPolicy(): z.ZodObject<{
  initialInterval: z.ZodOptional<z.ZodNumber>;
  backoffFactor: z.ZodOptional<z.ZodNumber>;
  maxInterval: z.ZodOptional<z.ZodNumber>;
  maxAttempts: z.ZodOptional<z.ZodNumber>;
  jitter: z.ZodOptional<z.ZodBoolean>;
  retryOn: z.ZodOptional<z.ZodType<(error: any) => boolean>>;
  logWarning: z.ZodOptional<z.ZodBoolean>;
}, z.core.$strict> {
  const bool = () => z.boolean({ error: "true or false" }).optional();
  return strict(
    {
      initialInterval: timerMs().optional(),
      backoffFactor: numberIn(1, 100).optional(),
      maxInterval: timerMs().optional(),
      maxAttempts: integer(1, 100).optional(),
      jitter: bool(),
      retryOn: fn<(error: any) => boolean>("a function (error) => boolean").optional(),
      logWarning: bool(),
    },
    "LangGraph's RetryPolicy { initialInterval?, backoffFactor?, maxInterval?, maxAttempts?, jitter?, retryOn?, logWarning? }",
  );
}

// ---------------------------------------------------------------------------------------
// Issue → problem.

type Issue = z.core.$ZodIssue & { input?: unknown };

/** Issue codes that say "this union branch is not even the right kind of value". */
const UNSHAPED = new Set(["invalid_type", "invalid_value", "custom"]);

function problemsOf(issues: readonly Issue[], prefix: readonly PropertyKey[], root: string): OptionProblem[] {
  const out: OptionProblem[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      // Descend into the one branch the value was shaped for (e.g. the rule object whose
      // field is wrong), rather than report "no branch matched".
      const shaped = issue.errors.filter((branch) => !isUnshaped(branch as Issue[]));
      // Among several shaped branches, prefer the one that knows every key given.
      const fitting = shaped.length > 1 ? shaped.filter((branch) => !branch.some((i) => i.code === "unrecognized_keys")) : shaped;
      if (fitting.length === 1) {
        out.push(...problemsOf(fitting[0] as Issue[], path, root));
        continue;
      }
    }
    if (issue.code === "invalid_key") {
      // A record's key was refused: say what a key must be (the inner issue), quote the key.
      const inner = issue.issues[0];
      out.push({ option: pathText(path, root), received: quote(issue.input), allowed: inner?.message ?? issue.message });
      continue;
    }
    if (issue.code === "unrecognized_keys") {
      const input = (issue.input ?? {}) as Record<string, unknown>;
      for (const key of issue.keys) {
        out.push({ option: pathText([...path, key], root), received: readQuoted(input, key), allowed: `no such option (${issue.message})` });
      }
      continue;
    }
    // A discriminated union reports the whole object at the discriminator's path: quote the discriminator.
    const discriminator = (issue as { discriminator?: unknown }).discriminator;
    const input =
      typeof discriminator === "string" && typeof issue.input === "object" && issue.input !== null
        ? (issue.input as Record<string, unknown>)[discriminator]
        : issue.input;
    out.push({ option: pathText(path, root), received: quote(input), allowed: issue.message });
  }
  return out;
}

/**
 * True when a union branch failed because the value is not even the right kind for it (a
 * wrong type or literal at the branch's root, or a nested union none of whose branches fit).
 */
function isUnshaped(branch: readonly Issue[]): boolean {
  return branch.every(
    (i) =>
      i.path.length === 0 &&
      (UNSHAPED.has(i.code) ||
        (i.code === "invalid_union" && (i as { discriminator?: unknown }).discriminator === undefined && i.errors.length > 0 && i.errors.every((b) => isUnshaped(b as Issue[])))),
  );
}

/** The parse-level error map: wording for issues whose schema gave none. */
function allowedByDefault(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "unrecognized_keys": {
      const shape = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
      const known = shape ? Object.keys(shape) : [];
      return known.length > 0 ? `only the known options ${known.join(", ")}` : "no extra keys";
    }
    case "invalid_type":
      return article(issue.expected === "int" ? "integer" : String(issue.expected));
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_union": {
      const options = (issue as { options?: unknown[] }).options;
      return Array.isArray(options) ? `one of ${options.map((v) => JSON.stringify(v)).join(", ")}` : undefined;
    }
    case "too_small":
      return issue.origin === "array" ? `at least ${fmt(Number(issue.minimum))} item(s)` : issue.origin === "string" ? `at least ${fmt(Number(issue.minimum))} character(s)` : `a number ${issue.inclusive ? ">=" : ">"} ${fmt(Number(issue.minimum))}`;
    case "too_big":
      return issue.origin === "array" ? `at most ${fmt(Number(issue.maximum))} item(s)` : issue.origin === "string" ? `at most ${fmt(Number(issue.maximum))} character(s)` : `a number ${issue.inclusive ? "<=" : "<"} ${fmt(Number(issue.maximum))}`;
    default:
      return undefined;
  }
}

function pathText(path: readonly PropertyKey[], root: string): string {
  if (path.length === 0) return root;
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else {
      const name = String(key);
      if (name.trim() === "") {
        out += `[${JSON.stringify(name)}]`;
        continue;
      }
      const shown = name.length > 40 ? quote(name, 40) : name;
      out += out === "" ? shown : `.${shown}`;
    }
  }
  return root === "options" ? out : out.startsWith("[") ? `${root}${out}` : `${root}.${out}`;
}

function article(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? "an" : "a"} ${noun}`;
}

function fmt(n: number): string {
  return String(n);
}
