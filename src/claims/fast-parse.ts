/**
 * Internal: hand-written parsers for the two shapes a node writes on every superstep (a new
 * claim, a verdict batch), used before zod. Each accepts only inputs the zod schema accepts and
 * returns what zod would (defaults applied, arrays copied); anything unusual (an unknown key,
 * `meta`, a timestamp not in `toISOString` form, a wrong type) returns `undefined` and the
 * caller falls back to the schema, which also words the error. Parsing with zod cost 10–20 µs
 * per item, most of a superstep's claims work; these cost ~1 µs.
 */
import type { z } from "zod/v4";
import { CLAIM_SOURCES, CLAIM_VERDICTS_KIND, VERDICT_STATUSES, type ClaimInputSchema, type ClaimVerdictsSchema } from "./claim-schema.js";

const CLAIM_KEYS = new Set(["id", "text", "value", "origin", "confidence", "statedConfidence", "alternatives", "requiresVerification", "status", "taint"]);
const ORIGIN_KEYS = new Set(["agent", "source", "ref", "basedOn"]);
const BATCH_KEYS = new Set(["kind", "verifier", "at", "fetched", "verdicts", "versions", "task", "seal"]);
const VERDICT_KEYS = new Set(["id", "status", "reason", "evidence"]);
const SOURCES = new Set<string>(CLAIM_SOURCES);
const STATUSES = new Set<string>(VERDICT_STATUSES);
const NON_BLANK = /\S/;

function plain(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function onlyKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key in value) if (!allowed.has(key)) return false;
  return true;
}

const isName = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const isProbability = (v: unknown): v is number => typeof v === "number" && v >= 0 && v <= 1;

function names(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  for (let i = 0; i < v.length; i++) if (!isName(v[i])) return undefined;
  return v.slice();
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));
}

/** A new claim as `ClaimInputSchema` parses it, or `undefined` to let zod decide. */
export function fastClaimInput(raw: Record<string, unknown>): z.output<typeof ClaimInputSchema> | undefined {
  if (!plain(raw) || !onlyKeys(raw, CLAIM_KEYS)) return undefined;
  const { id, text, value, origin, confidence, statedConfidence, alternatives, requiresVerification, status, taint } = raw;
  if (id !== undefined && !isName(id)) return undefined;
  if (typeof text !== "string" || !NON_BLANK.test(text)) return undefined;
  if (value !== undefined && !isScalar(value)) return undefined;
  if (!isProbability(confidence)) return undefined;
  if (statedConfidence !== undefined && !isProbability(statedConfidence)) return undefined;
  if (requiresVerification !== undefined && typeof requiresVerification !== "boolean") return undefined;
  if (status !== undefined && status !== "unverified") return undefined;
  if (!plain(origin) || !onlyKeys(origin, ORIGIN_KEYS)) return undefined;
  const { agent, source, ref, basedOn } = origin;
  if (!isName(agent) || typeof source !== "string" || !SOURCES.has(source)) return undefined;
  if (ref !== undefined && typeof ref !== "string") return undefined;
  const parents = basedOn === undefined ? [] : names(basedOn);
  if (parents === undefined) return undefined;
  let alts: { value: string | number | boolean | null; confidence: number }[] = [];
  if (alternatives !== undefined) {
    if (!Array.isArray(alternatives)) return undefined;
    alts = [];
    for (const a of alternatives) {
      if (!plain(a) || !isScalar(a["value"]) || !isProbability(a["confidence"])) return undefined;
      for (const key in a) if (key !== "value" && key !== "confidence") return undefined;
      alts.push({ value: a["value"] as string | number | boolean | null, confidence: a["confidence"] });
    }
  }
  let tainted: string[] | undefined;
  if (taint !== undefined && (tainted = names(taint)) === undefined) return undefined;
  const out: z.output<typeof ClaimInputSchema> = {
    text,
    origin: { agent, source: source as (typeof CLAIM_SOURCES)[number], basedOn: parents },
    confidence,
    alternatives: alts,
    requiresVerification: requiresVerification ?? false,
  };
  if (id !== undefined) out.id = id;
  if (value !== undefined) out.value = value as string | number | boolean | null;
  if (ref !== undefined) out.origin.ref = ref;
  if (statedConfidence !== undefined) out.statedConfidence = statedConfidence;
  if (status !== undefined) out.status = "unverified";
  if (tainted !== undefined) out.taint = tainted;
  return out;
}

/** True for the exact form `Date.prototype.toISOString` writes (which the schema's ISO check accepts). */
function isCanonicalTime(v: unknown): v is string {
  if (v === lastTime) return true; // a batch's `at` is checked at node time and again by the reducer
  if (typeof v !== "string" || v.length !== 24 || v.charCodeAt(23) !== 90 /* Z */) return false;
  const t = Date.parse(v);
  if (!Number.isFinite(t) || new Date(t).toISOString() !== v) return false;
  lastTime = v;
  return true;
}
let lastTime: string | undefined;

/** A verdict batch as `ClaimVerdictsSchema` parses it, or `undefined` to let zod decide. */
export function fastVerdicts(raw: Record<string, unknown>): z.output<typeof ClaimVerdictsSchema> | undefined {
  if (!plain(raw) || !onlyKeys(raw, BATCH_KEYS) || raw["kind"] !== CLAIM_VERDICTS_KIND) return undefined;
  const { verifier, at, fetched, verdicts, versions, task, seal } = raw;
  if (!isName(verifier)) return undefined;
  if (at !== undefined && !isCanonicalTime(at)) return undefined;
  const got = fetched === undefined ? undefined : names(fetched);
  if (fetched !== undefined && got === undefined) return undefined;
  if (!Array.isArray(verdicts) || verdicts.length === 0) return undefined;
  const list: z.output<typeof ClaimVerdictsSchema>["verdicts"] = [];
  for (const v of verdicts) {
    if (!plain(v) || !onlyKeys(v, VERDICT_KEYS)) return undefined;
    const { id, status, reason, evidence } = v;
    if (!isName(id) || typeof status !== "string" || !STATUSES.has(status) || !isName(reason)) return undefined;
    const cited = evidence === undefined ? [] : names(evidence);
    if (cited === undefined) return undefined;
    list.push({ id, status: status as (typeof VERDICT_STATUSES)[number], reason, evidence: cited });
  }
  let made: number[] | undefined;
  if (versions !== undefined) {
    if (!Array.isArray(versions)) return undefined;
    for (const n of versions) if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) return undefined;
    made = versions.slice();
  }
  if (task !== undefined && !isName(task)) return undefined;
  let sealed: { k: string; mac: string } | undefined;
  if (seal !== undefined) {
    if (!plain(seal) || !isName(seal["k"]) || !isName(seal["mac"])) return undefined;
    for (const key in seal) if (key !== "k" && key !== "mac") return undefined;
    sealed = { k: seal["k"], mac: seal["mac"] };
  }
  const out: z.output<typeof ClaimVerdictsSchema> = { kind: CLAIM_VERDICTS_KIND, verifier, verdicts: list };
  if (at !== undefined) out.at = at;
  if (got !== undefined) out.fetched = got;
  if (made !== undefined) out.versions = made;
  if (task !== undefined) out.task = task as string;
  if (sealed !== undefined) out.seal = sealed;
  return out;
}
