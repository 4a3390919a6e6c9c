/**
 * Parsing for `firebreak chaos`: fault and target specs from the command line, and the
 * guard module (a guard applier, a challenger or a chat model).
 */
import { pathToFileURL } from "node:url";
import type { Fault, FaultTarget, GuardApplier } from "../chaos/index.js";
import { isExtractableGraph, isFirebreakRole } from "../topology/index.js";
import { DEFAULT_LOAD_TIMEOUT_MS, importInProcess, loadError, probeModule, type GraphReference } from "./load-graph.js";
import { UsageError } from "./usage-error.js";

/** Longest injected latency (Node clamps timer delays above 2³¹−1 ms to 1 ms). */
export const MAX_LATENCY_MS = 600_000;

/** The falsehood planted when `--fault falsehood` names none. */
export const DEFAULT_PROBE = { text: "firebreak chaos probe: the verified answer is", value: "FALSE-CHAOS-PROBE" } as const;

/**
 * Parses one `--fault` value: `falsehood[:<text>=<value>]`, `contradiction:<text>=<a>|<b>`,
 * `malformed`, `garbage`, `empty`, `latency:<ms>`, `provider:<429|500|502|503|timeout>[:node]`.
 */
export function parseFault(spec: string): Fault {
  const [kind, ...restParts] = spec.split(":");
  const rest = restParts.join(":");
  switch (kind) {
    case "falsehood": {
      if (rest === "") return { kind: "falsehood", ...DEFAULT_PROBE };
      const [text, value] = splitOnce(rest, "=", spec);
      return { kind: "falsehood", text, value };
    }
    case "contradiction": {
      const [text, values] = splitOnce(rest, "=", spec);
      const [a, b] = splitOnce(values, "|", spec);
      return { kind: "contradiction", text, values: [a, b] };
    }
    case "malformed":
      return { kind: "malformed", shape: "off-schema" };
    case "garbage":
      return { kind: "malformed", shape: "garbage" };
    case "empty":
      return { kind: "empty" };
    case "latency": {
      const ms = /^\d+(\.\d+)?$/.test(rest) ? Number(rest) : Number.NaN;
      if (!(ms >= 0 && ms <= MAX_LATENCY_MS)) throw new UsageError(`--fault ${spec}: expected latency:<milliseconds> up to ${MAX_LATENCY_MS}, e.g. latency:2000.`);
      return { kind: "latency", ms };
    }
    case "provider": {
      const [error, via] = rest.split(":");
      if (!["429", "500", "502", "503", "timeout"].includes(error ?? "")) {
        throw new UsageError(`--fault ${spec}: expected provider:<429|500|502|503|timeout>[:node].`);
      }
      if (via !== undefined && via !== "node" && via !== "model") throw new UsageError(`--fault ${spec}: the suffix must be ":node" or ":model".`);
      return { kind: "provider-error", error: error as "429", ...(via !== undefined ? { via } : {}) };
    }
    default:
      throw new UsageError(
        `Unknown fault "${spec}". Use falsehood[:<text>=<value>], contradiction:<text>=<a>|<b>, malformed, garbage, empty, latency:<ms> or provider:<429|500|502|503|timeout>.`,
      );
  }
}

/** Parses one `--target` value: `hub`, `leaf`, `role:<role>`, `node:<name>` or a node name. */
export function parseTarget(spec: string): FaultTarget {
  if (spec.startsWith("role:")) {
    const role = spec.slice(5);
    if (!isFirebreakRole(role)) throw new UsageError(`--target ${spec}: unknown role; roles are agent, verifier, human, tool, router.`);
    return { role };
  }
  if (spec.startsWith("node:")) return { node: spec.slice(5) };
  if (spec === "") throw new UsageError("--target needs a value: hub, leaf, role:<role> or a node name.");
  return spec;
}

const modules = new Map<string, Promise<Record<string, unknown>>>();

/** What a `--guard` module export can be. */
export type GuardExport =
  | { readonly kind: "applier"; readonly apply: GuardApplier }
  | { readonly kind: "challenger"; readonly challenger: unknown };

/**
 * Imports a module once and returns the named export (default: the default export, or the
 * only graph exported). The module is first imported in a child process with a timeout, so
 * one that throws, exits or hangs on import fails with one message (exit code 2); then it is
 * imported here. Unlike `audit` it does not call a function export, so a graph factory can be
 * called again for every configuration.
 */
export async function importExport(ref: GraphReference, timeoutMs = DEFAULT_LOAD_TIMEOUT_MS): Promise<{ value: unknown; name: string }> {
  const url = pathToFileURL(ref.path).href;
  let loading = modules.get(url);
  if (loading === undefined) {
    // One import per module and process: the graph and the guard often live in one file.
    loading = probeModule(ref, timeoutMs).then(() => importInProcess(ref, timeoutMs));
    modules.set(url, loading);
  }
  let mod: Record<string, unknown>;
  try {
    mod = await loading;
  } catch (error) {
    modules.delete(url);
    throw error;
  }
  const name = ref.exportName ?? pickExport(mod);
  if (name === undefined) throw loadError(ref, undefined, `name the export with <module>:<export> (exports: ${Object.keys(mod).join(", ") || "none"}).`);
  if (!(name in mod)) throw loadError(ref, name, `no such export (exports: ${Object.keys(mod).join(", ") || "none"}).`);
  return { value: mod[name], name };
}

function pickExport(mod: Record<string, unknown>): string | undefined {
  if ("default" in mod) return "default";
  const graphs = Object.keys(mod).filter((k) => isExtractableGraph(mod[k]));
  return graphs.length === 1 ? graphs[0] : undefined;
}

/** Imports `<module>:<export>` and classifies it as a guard applier or a challenger / chat model. */
export async function loadGuard(ref: GraphReference, timeoutMs?: number): Promise<GuardExport> {
  const { value, name } = await importExport(ref, timeoutMs);
  if (typeof value === "function" && typeof (value as { review?: unknown }).review === "function") return { kind: "challenger", challenger: value };
  if (typeof value === "object" && value !== null && typeof (value as { _llmType?: unknown })._llmType === "function") {
    return { kind: "challenger", challenger: value };
  }
  if (typeof value === "function") return { kind: "applier", apply: value as GuardApplier };
  throw new UsageError(
    `--guard export "${name}" of ${ref.path} must be a function (builder, node) => builder, a challenger from createChallenger, or a chat model.`,
  );
}

function splitOnce(text: string, separator: string, spec: string): [string, string] {
  const at = text.indexOf(separator);
  if (at <= 0 || at === text.length - 1) {
    throw new UsageError(`--fault ${spec}: expected "<text>${separator}<value>" after the kind.`);
  }
  return [text.slice(0, at), text.slice(at + separator.length)];
}
