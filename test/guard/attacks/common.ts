/** Shared helpers for attack tests. Judges here are SCRIPTED (stand-ins for model judgement). */
import { Annotation, MessagesAnnotation } from "@langchain/langgraph";
import { claimsChannel } from "../../../src/claims/index.js";
import { guardRecordsChannel } from "../../../nodes/index.js";
import { scriptedJudge, type ScriptedChatModel } from "../../../src/testing/index.js";

export const BAD = "FALSEHOOD_XYZ";

/** Scripted judge: red when the item's JSON (text + value) mentions BAD anywhere. */
export function judgeBad(label = "scripted judge (bad)"): ScriptedChatModel {
  return scriptedJudge(
    (claim) => {
      const red = JSON.stringify(claim).includes(BAD);
      return { verdict: red ? "red" : "green", reasons: [red ? "scripted red" : "scripted green"] };
    },
    { label },
  );
}

export const State = Annotation.Root({
  ...MessagesAnnotation.spec,
  intent: Annotation<string | undefined>(),
  claims: claimsChannel(),
  guardRecords: guardRecordsChannel(),
  notes: Annotation<unknown>(),
  data: Annotation<unknown>(),
  turn: Annotation<number>(),
});

export function claim(text: string, extra: Record<string, unknown> = {}) {
  return { text, confidence: 0.9, origin: { agent: "p", source: "model" as const }, ...extra };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

import { inspect } from "node:util";
/** Does `needle` appear anywhere in `value`, including Map/Set entries, symbol keys, hidden props, getters, typed arrays? */
export function deepContains(value: unknown, needle: string): boolean {
  const seen = new Set<unknown>();
  const walk = (v: unknown): boolean => {
    if (typeof v === "string") return v.includes(needle);
    if (typeof v === "bigint" || typeof v === "number" || typeof v === "boolean" || v == null) return String(v).includes(needle);
    if (typeof v === "symbol") return String(v.description).includes(needle);
    if (typeof v === "function") return v.toString().includes(needle);
    if (typeof v !== "object") return false;
    if (seen.has(v)) return false;
    seen.add(v);
    if (ArrayBuffer.isView(v)) return Buffer.from((v as any).buffer, (v as any).byteOffset, (v as any).byteLength).toString("latin1").includes(needle);
    if (v instanceof ArrayBuffer) return Buffer.from(v).toString("latin1").includes(needle);
    if (v instanceof Map) for (const [k, x] of v) if (walk(k) || walk(x)) return true;
    if (v instanceof Set) for (const x of v) if (walk(x)) return true;
    for (const k of Reflect.ownKeys(v)) {
      if (walk(k)) return true;
      let x: unknown;
      try { x = (v as any)[k]; } catch { continue; }
      if (walk(x)) return true;
    }
    return inspect(v, { showHidden: true, depth: 6, getters: true }).includes(needle);
  };
  return walk(value);
}

/**
 * Leak check that exempts the documented audit trail ("the guardRecords channel, the
 * firebreak/bicr events and the escalation packet — names what it blocked; nothing else does").
 */
export function leaks(value: unknown, needle = BAD): boolean {
  const seen = new Set<unknown>();
  const scrub = (v: any): any => {
    if (v === null || typeof v !== "object") return v;
    if (seen.has(v)) return undefined;
    seen.add(v);
    if (v.kind === "firebreak/guard-record" || v.kind === "firebreak/guard-escalation") return undefined;
    if (v.name === "firebreak/bicr" || v.event === "firebreak/bicr") return undefined;
    if (Array.isArray(v)) return v.map(scrub);
    if (v instanceof Map || v instanceof Set || ArrayBuffer.isView(v)) return v;
    if (v.lc === 1 || typeof v._getType === "function" || typeof v.getType === "function") return v; // messages: keep whole
    const out: any = {};
    for (const k of Reflect.ownKeys(v)) {
      if (k === "guardRecords") continue;
      let x: unknown;
      try { x = v[k]; } catch { continue; }
      out[k] = scrub(x);
    }
    return out;
  };
  return deepContains(scrub(value), needle);
}
