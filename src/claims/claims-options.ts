import { z } from "zod";
import { fn, parseOptions, strict, text } from "../internal/options-schema.js";

/** Options of the claims channel and of `reduceClaims`. Every field is optional. */
export interface ClaimsOptions {
  /**
   * Names of the verifier nodes whose verdicts the channel accepts. When unset, a verdict
   * from any verifier is accepted except on the verifier's own claims.
   * @default undefined
   */
  readonly verifiers?: readonly string[] | ReadonlySet<string>;
  /**
   * Accept a verdict on a claim made by the verifier itself. Off because a verifier only
   * helps when it brings information the producer lacked (arXiv:2603.26993).
   * @default false
   */
  readonly allowSelfVerification?: boolean;
  /**
   * Clock for the timestamps the channel fills in (`origin.at`, verdict `at`).
   * @default () => new Date()
   */
  readonly now?: () => Date;
  /**
   * The state key the channel is mounted under. Node-time validation (zod and `StateSchema`
   * state, `withWriteContract`) reads the node's input state at this key.
   * @default "claims"
   */
  readonly key?: string;
}

/** {@link ClaimsOptions} after defaults, normalised once. */
export interface ResolvedClaimsOptions {
  readonly verifiers: ReadonlySet<string> | undefined;
  readonly allowSelfVerification: boolean;
  readonly now: () => Date;
  readonly key: string;
}

const DEFAULTS: ResolvedClaimsOptions = Object.freeze({
  verifiers: undefined,
  allowSelfVerification: false,
  now: () => new Date(),
  key: "claims",
});

/**
 * The schema of {@link ClaimsOptions}: unknown keys, wrong types, blank or huge names and an
 * empty `verifiers` list are rejected when the channel is created (`INVALID_OPTIONS`, naming
 * the option and quoting the value received).
 */
export const ClaimsOptionsSchema = strict(
  {
    verifiers: z
      .preprocess(
        (v) => (v instanceof Set ? [...v] : v),
        z
          .array(text(200), { error: "a list (array or Set) of verifier node names" })
          .min(1, { error: "at least one verifier node name (leave the option out to accept any verifier)" })
          .max(10_000, { error: "at most 10000 verifier node names" }),
      )
      .optional(),
    allowSelfVerification: z.boolean({ error: "true or false" }).optional(),
    now: fn<() => Date>("a clock: a function returning a Date, e.g. () => new Date()").optional(),
    key: text(200).optional(),
  },
  "an options object ({ verifiers?, allowSelfVerification?, now?, key? })",
);

const resolved = new WeakMap<ClaimsOptions, ResolvedClaimsOptions>();

/**
 * Validates (with {@link ClaimsOptionsSchema}) and applies defaults; the same options object
 * always resolves to the same result. `where` names the factory in errors.
 */
export function resolveClaimsOptions(options: ClaimsOptions | ResolvedClaimsOptions | undefined, where = "claimsChannel"): ResolvedClaimsOptions {
  if (options === undefined) return DEFAULTS;
  if (typeof options === "object" && options !== null && isResolved(options)) return options;
  let out = typeof options === "object" && options !== null ? resolved.get(options) : undefined;
  if (out !== undefined) return out;
  // A Set is accepted too, so a spread copy of resolved options still works.
  const parsed = parseOptions(ClaimsOptionsSchema, options, where);
  out = Object.freeze({
    verifiers: parsed.verifiers === undefined ? undefined : new Set(parsed.verifiers),
    allowSelfVerification: parsed.allowSelfVerification ?? false,
    now: parsed.now ?? DEFAULTS.now,
    key: parsed.key ?? DEFAULTS.key,
  });
  resolved.set(options, out);
  RESOLVED.add(out);
  return out;
}

const RESOLVED = new WeakSet<object>([DEFAULTS]);
function isResolved(options: object): options is ResolvedClaimsOptions {
  return RESOLVED.has(options);
}
