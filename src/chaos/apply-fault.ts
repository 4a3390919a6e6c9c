/**
 * Internal: what each fault does to one node call's output. Works on plain update objects
 * and on `Command`s (their `update`); other outputs are left alone and reported.
 */
import { AIMessage } from "@langchain/core/messages";
import { Command, isCommand } from "@langchain/langgraph";
import type { ClaimInput } from "../claims/index.js";
import { DEFAULT_TAINT, type Fault, type ResolvedFaultPlan } from "./fault-plan.js";
import type { Rng } from "./rng.js";

/** Where the fault is applied and what the graph can hold. */
export interface FaultSite {
  /** Node name. */
  readonly node: string;
  /** Zero-based call of the node in this run. */
  readonly call: number;
  /** The plan entry. */
  readonly entry: ResolvedFaultPlan;
  /** Whether the graph has a claims channel under `entry.claimsKey`. */
  readonly hasClaims: boolean;
  /** Whether the graph has a messages channel under `entry.messagesKey`. */
  readonly hasMessages: boolean;
  /** The seeded stream of this fault at this call. */
  readonly rng: Rng;
}

/** The rewritten output and what was planted. */
export interface AppliedFault {
  readonly output: unknown;
  readonly fired: boolean;
  readonly note?: string;
  readonly taint?: string;
  readonly claimIds?: readonly string[];
}

/** Applies an output fault (falsehood, contradiction, malformed, empty) to `output`. */
export function applyOutputFault(output: unknown, fault: Fault, site: FaultSite): AppliedFault {
  const command = isCommand(output) ? output : undefined;
  const update = command ? command.update : output;
  if (update !== undefined && update !== null && (typeof update !== "object" || Array.isArray(update))) {
    return { output, fired: false, note: `node "${site.node}" returned ${Array.isArray(update) ? "a list" : typeof update}, not an update object; fault not applied` };
  }
  const base = { ...((update ?? {}) as Record<string, unknown>) };
  const result = rewrite(base, fault, site);
  if (!result.fired) return { ...result, output };
  const rewritten = result.update;
  const out = command
    ? new Command({
        update: rewritten,
        ...(command.goto !== undefined && !(Array.isArray(command.goto) && command.goto.length === 0) ? { goto: command.goto as never } : {}),
        ...(command.graph !== undefined ? { graph: command.graph } : {}),
      })
    : rewritten;
  const { update: _dropped, ...rest } = result;
  return { ...rest, output: out };
}

interface Rewrite {
  readonly fired: boolean;
  readonly update: Record<string, unknown>;
  readonly note?: string;
  readonly taint?: string;
  readonly claimIds?: readonly string[];
}

function rewrite(update: Record<string, unknown>, fault: Fault, site: FaultSite): Rewrite {
  const { node, call, entry, hasClaims, hasMessages } = site;
  const claimsKey = entry.claimsKey;
  const messagesKey = entry.messagesKey;
  switch (fault.kind) {
    case "empty":
      return { fired: true, update: {}, note: "returned an empty update" };
    case "falsehood":
    case "contradiction": {
      if (!hasClaims && !hasMessages) {
        return { fired: false, update, note: `the graph has neither a "${claimsKey}" nor a "${messagesKey}" channel to carry the claim` };
      }
      const taint = fault.taint ?? DEFAULT_TAINT;
      const values = fault.kind === "falsehood" ? [fault.value] : [...fault.values];
      const claims: ClaimInput[] = values.map((value, k) => ({
        id: `chaos:${taint}:${node}:${call}:${entry.entry}:${k}`,
        text: fault.text,
        ...(value !== undefined ? { value } : {}),
        origin: { agent: node, source: "model", basedOn: [] },
        confidence: fault.kind === "falsehood" ? (fault.confidence ?? 0.9) : 0.5,
        taint: [taint],
      }));
      const out = { ...update };
      if (hasClaims) {
        const own = asList(update[claimsKey]).filter((item) => !(isClaimLike(item) && item.text === fault.text));
        out[claimsKey] = [...own, ...claims];
      }
      if (hasMessages) {
        const text = claims.map((c) => statement(c.text, c.value)).join(" ");
        out[messagesKey] = [...asList(update[messagesKey]), new AIMessage({ name: node, content: text })];
      }
      return {
        fired: true,
        update: out,
        taint,
        ...(hasClaims ? { claimIds: claims.map((c) => c.id!) } : {}),
        note: hasClaims ? `planted ${claims.length} tainted claim(s)` : "planted the statement as a message (no claims channel)",
      };
    }
    case "malformed": {
      const shape = fault.shape ?? "off-schema";
      if (shape === "off-schema") {
        if (hasClaims) {
          return {
            fired: true,
            update: { ...update, [claimsKey]: [{ text: "malformed", origin: { agent: node, source: "model" }, confidence: 1.5 }] },
            note: "wrote a claim with confidence 1.5",
          };
        }
        if (hasMessages) {
          return { fired: true, update: { ...update, [messagesKey]: [{ role: "chaos-malformed", content: 42 }] }, note: "wrote a message that is not a message" };
        }
        return { fired: false, update, note: "no claims or messages channel to write malformed output to" };
      }
      const out = { ...update };
      if (hasClaims && claimsKey in out) delete out[claimsKey];
      if (hasMessages) out[messagesKey] = [new AIMessage({ name: node, content: noise(site.rng) })];
      return { fired: true, update: out, note: "replaced the output with noise" };
    }
    case "latency":
    case "provider-error":
      return { fired: false, update, note: `${fault.kind} is not an output fault` };
  }
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...value] : [value];
}

function isClaimLike(value: unknown): value is { text: string } {
  return typeof value === "object" && value !== null && typeof (value as { text?: unknown }).text === "string";
}

/** "text value" — how a planted claim reads as prose. */
export function statement(text: string, value: unknown): string {
  return value === undefined ? text : `${text} ${String(value)}`.trim();
}

const NOISE = "{[<#%&*~^|\\]}>;:?!$@§¤";

function noise(rng: Rng): string {
  let out = "";
  for (let i = 0; i < 48; i++) out += NOISE[rng.int(NOISE.length)];
  return out;
}
