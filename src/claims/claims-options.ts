import { FirebreakError } from "../internal/errors.js";

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

const resolved = new WeakMap<ClaimsOptions, ResolvedClaimsOptions>();

/** Applies defaults; the same options object always resolves to the same result. */
export function resolveClaimsOptions(options: ClaimsOptions | ResolvedClaimsOptions | undefined): ResolvedClaimsOptions {
  if (options === undefined) return DEFAULTS;
  if (isResolved(options)) return options;
  let out = resolved.get(options);
  if (out !== undefined) return out;
  // A Set is accepted too, so a spread copy of resolved options still works.
  const verifiers = options.verifiers === undefined ? undefined : [...(options.verifiers as Iterable<string>)];
  if (verifiers !== undefined && verifiers.some((v) => typeof v !== "string" || v.length === 0)) {
    throw new FirebreakError(
      "INVALID_OPTIONS",
      `claims options: "verifiers" must list node names (non-empty strings), got ${JSON.stringify(options.verifiers)}.`,
    );
  }
  if (options.key !== undefined && (typeof options.key !== "string" || options.key.length === 0)) {
    throw new FirebreakError("INVALID_OPTIONS", `claims options: "key" must be a non-empty state key.`);
  }
  out = Object.freeze({
    verifiers: verifiers === undefined ? undefined : new Set(verifiers),
    allowSelfVerification: options.allowSelfVerification ?? false,
    now: options.now ?? DEFAULTS.now,
    key: options.key ?? DEFAULTS.key,
  });
  resolved.set(options, out);
  RESOLVED.add(out);
  return out;
}

const RESOLVED = new WeakSet<object>([DEFAULTS]);
function isResolved(options: object): options is ResolvedClaimsOptions {
  return RESOLVED.has(options);
}
