/**
 * Internal: the seals that bind a verdict to the verifier the graph declared.
 *
 * A reducer cannot see which node wrote an update, and LangGraph re-applies a finished task's
 * saved writes after a crash, possibly in a new process, without running the node again. So
 * the proof that a verdict batch came from a declared verifier travels with the batch: an
 * HMAC-SHA256 over its content and over the claims it judges, minted only where the writer
 * is known (the node-time check of zod/`StateSchema` state, `withWriteContract`,
 * `createChallenger`'s node, the guard's commit). The channel mints a second seal on every
 * verification it stores, chained to the previous one, so a claim handed on to another run or
 * graph proves its own verdict history.
 *
 * The key: `FIREBREAK_CLAIMS_KEY` (at least 32 characters) when set, so seals survive a
 * restart and are shared by every process of a deployment; else a random key per process
 * (safe: nothing outside the process can mint; but a verdict saved by a process that died is
 * then *unconfirmed* in the next one, and fails closed — see `reduce-claims.ts`). The random key
 * is kept on `globalThis` under a registered symbol, so every copy of the package loaded in the
 * process (an installed package beside a tsx-loaded module, a CLI beside the graph it runs)
 * seals and checks with the same key (a `worker_threads` Worker has its own `globalThis`, so its own
 * key: what it verifies is unconfirmed on the main thread unless the variable is set); it is readable
 * by code in the process, as the environment variable is — the boundary is what a node returns, not
 * the code a graph runs. An empty variable is refused like any key under 32 characters.
 */
import { createHash, createHmac, createSecretKey, randomBytes, type KeyObject } from "node:crypto";
import type { ClaimSeal, ClaimValue } from "./claim-schema.js";
import { InvalidOptionsError } from "../internal/options-schema.js";

/** The environment variable holding the deployment's claims key. */
export const CLAIMS_KEY_ENV = "FIREBREAK_CLAIMS_KEY";

interface Key {
  readonly id: string;
  /** A KeyObject: HMACs with it skip re-importing the secret (~1.5 µs each). */
  readonly secret: KeyObject;
}

let cached: { source: string | undefined; key: Key } | undefined;

/** The process's random key, shared by every copy of the package loaded in it. */
const PROCESS_KEY = Symbol.for("langgraph-firebreak.claims-process-key");

function processKey(): Buffer {
  const holder = globalThis as { [PROCESS_KEY]?: Buffer };
  return (holder[PROCESS_KEY] ??= randomBytes(32));
}

function currentKey(): Key {
  // Set but empty (a secret that failed to render) is refused like any short key, not taken as unset.
  const source = process.env[CLAIMS_KEY_ENV];
  if (cached !== undefined && cached.source === source) return cached.key;
  let secret: Buffer;
  if (source === undefined) secret = processKey();
  else if (source.length < 32) {
    throw new InvalidOptionsError(CLAIMS_KEY_ENV, [{ option: CLAIMS_KEY_ENV, received: `${source.length} characters`, allowed: "at least 32 characters" }], {
      message: `${CLAIMS_KEY_ENV} must hold at least 32 characters of secret (e.g. \`openssl rand -hex 32\`), got ${source.length}.`,
    });
  } else secret = Buffer.from(source, "utf8");
  const id = createHash("sha256").update("firebreak-claims-key\u0000").update(secret).digest("base64url").slice(0, 12);
  cached = { source, key: { id, secret: createSecretKey(secret) } };
  return cached.key;
}

/** Seals `payload` (a JSON array) with the current key. */
export function seal(payload: readonly unknown[]): ClaimSeal {
  const key = currentKey();
  return { k: key.id, mac: mac(key, payload) };
}

/** `"valid"`, `"invalid"` (this key, wrong MAC: forged or altered) or `"foreign"` (another key). */
export type SealCheck = "valid" | "invalid" | "foreign";

/** Checks a seal against `payload`. */
export function checkSeal(s: ClaimSeal | undefined, payload: readonly unknown[]): SealCheck {
  if (s === undefined) return "invalid";
  const key = currentKey();
  if (s.k !== key.id) return "foreign";
  return s.mac === mac(key, payload) ? "valid" : "invalid";
}

function mac(key: Key, payload: readonly unknown[]): string {
  return createHmac("sha256", key.secret).update(JSON.stringify(payload)).digest("base64url");
}

/** What a seal binds of a claim: the fields that say what it states and what it rests on. */
export function fingerprint(claim: {
  readonly id: string;
  readonly text: string;
  readonly value?: ClaimValue | undefined;
  readonly origin: { readonly agent: string; readonly basedOn?: readonly string[] | undefined };
}): unknown[] {
  const basedOn = claim.origin.basedOn ?? [];
  return [claim.id, claim.text, claim.value ?? null, claim.origin.agent, basedOn.length < 2 ? [...basedOn] : [...new Set(basedOn)]];
}

/**
 * The version of a claim a verdict is made on: how many verdicts it has had and the seal of
 * the latest (`null` when unsealed or none). A verdict batch binds the version of every
 * claim it judges, so it applies once: after the claim is judged again, the batch is stale.
 */
export type ClaimVersion = readonly [count: number, latest: string | null];

/** The version of `claim` (see {@link ClaimVersion}); reads only its verdict fields. */
export function versionOf(claim: { readonly history?: unknown; readonly verifiedBy?: unknown }): ClaimVersion {
  const history = Array.isArray(claim.history) ? claim.history.length : 0;
  const latest = claim.verifiedBy as { seal?: { mac?: unknown } } | undefined | null;
  if (latest === undefined || latest === null) return [history, null];
  const mac = latest.seal?.mac;
  return [history + 1, typeof mac === "string" ? mac : null];
}

/** The payload of a verdict batch's seal: its content, and the content and version of each claim it judges. */
export function batchPayload(
  batch: {
    readonly verifier: string;
    readonly at?: string | undefined;
    readonly fetched?: readonly string[] | undefined;
    readonly task?: string | undefined;
    readonly verdicts: readonly { readonly id: string; readonly status: string; readonly reason: string; readonly evidence?: readonly string[] | undefined }[];
  },
  fingerprints: readonly (unknown[] | null)[],
  versions: readonly (ClaimVersion | null)[],
): unknown[] {
  const payload: unknown[] = [
    "firebreak/verdicts@2",
    batch.verifier,
    batch.at ?? null,
    batch.fetched ?? [],
    batch.verdicts.map((v, i) => [v.id, v.status, v.reason, v.evidence ?? [], fingerprints[i] ?? null, versions[i] ?? null]),
  ];
  // The task that sealed it (see writing-task.ts); appended only when known, so earlier seals still verify.
  if (batch.task !== undefined) payload.push(batch.task);
  return payload;
}

/** The payload of a stored verification's seal (chained to the previous verification's). */
export function verificationPayload(
  claimPrint: unknown[],
  v: {
    readonly verifier: string;
    readonly at: string;
    readonly reason: string;
    readonly evidence: readonly string[];
    readonly status?: string | undefined;
    readonly task?: string | undefined;
  },
  previous: ClaimSeal | undefined,
): unknown[] {
  const payload: unknown[] = ["firebreak/verification@1", claimPrint, v.status ?? null, v.verifier, v.at, v.reason, v.evidence, previous?.mac ?? null];
  if (v.task !== undefined) payload.push(v.task);
  return payload;
}
