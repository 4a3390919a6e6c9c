/**
 * Internal: finds chat models held in the closures of node functions. A prebuilt agent
 * (`createReactAgent`, `createSupervisor`) keeps its model in the closure of its model node, out
 * of reach of property walks; V8's inspector protocol lists a function's scopes
 * (`[[Scopes]]`), synchronously, in process. Best effort and bounded: only closure, local and
 * block scopes (not module or global ones), a budget of functions, and nothing when the
 * inspector is unavailable.
 */
import type { Session } from "node:inspector";

const SLOT = "__firebreakClosureProbe";
const GROUP = "firebreak-closure-scan";

type Post = (method: string, params?: Record<string, unknown>) => Record<string, unknown>;

interface RemoteObject {
  type?: string;
  objectId?: string;
  description?: string;
}

interface PropertyDescriptor {
  name: string;
  value?: RemoteObject;
}

/** An in-process inspector session; undefined when the inspector is unavailable (or refuses to connect). */
function openSession(): { post: Post; close: () => void } | undefined {
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  const inspector = typeof getBuiltin === "function" ? (getBuiltin("node:inspector") as { Session?: new () => Session } | undefined) : undefined;
  if (!inspector?.Session) return undefined;
  const session = new inspector.Session();
  try {
    session.connect();
  } catch {
    return undefined;
  }
  const post: Post = (method, params) => {
    let out: Record<string, unknown> | undefined;
    let failure: unknown;
    session.post(method as "Runtime.evaluate", params as never, (error: unknown, result: unknown) => {
      failure = error;
      out = result as Record<string, unknown>;
    });
    if (failure) throw failure;
    if (out === undefined) throw new Error("the inspector answered asynchronously");
    return out;
  };
  const close = () => {
    try {
      post("Runtime.releaseObjectGroup", { objectGroup: GROUP });
    } catch {
      // The session is closing anyway.
    }
    session.disconnect();
  };
  return { post, close };
}

/** How a closure walk ended: `unavailable` (no inspector) and `failed` are reported, never thrown. */
export type ClosureWalk =
  | { readonly status: "done" | "unavailable" }
  | { readonly status: "failed"; readonly reason: string };

/** Most scope variables read per function: a closure over a huge scope is cut, not walked whole. */
const VARIABLES_PER_FUNCTION = 500;

/**
 * Calls `visit` with every object held in the closure, local or block scopes of
 * `roots` (and, to `depth` 2, of functions found in closure scopes), at most `budget` functions
 * and {@link VARIABLES_PER_FUNCTION} variables each; `visit` returning `true` stops the walk.
 * Never throws: an unavailable inspector or a failing protocol call is the returned status,
 * and what was visited before a failure counts. The probe slot on `globalThis`, the inspector's
 * object handles and the session are released on every path.
 */
export function walkClosures(roots: readonly Function[], visit: (value: object) => boolean | void, budget = 200): ClosureWalk {
  if (roots.length === 0) return { status: "done" };
  let session: ReturnType<typeof openSession>;
  try {
    session = openSession();
  } catch (error) {
    return { status: "failed", reason: reasonOf(error) };
  }
  if (!session) return { status: "unavailable" };
  const { post, close } = session;
  const slot = globalThis as Record<string, unknown>;
  const fetch = (objectId: string): unknown => {
    post("Runtime.callFunctionOn", { objectId, functionDeclaration: `function () { globalThis.${SLOT} = this; }`, objectGroup: GROUP });
    return slot[SLOT];
  };
  const seen = new Set<unknown>();
  const queue: [Function, number][] = roots.map((f) => [f, 0]);
  let stopped = false;
  try {
    for (let visited = 0; queue.length > 0 && visited < budget && !stopped; visited++) {
      const [fn, depth] = queue.shift()!;
      if (seen.has(fn)) continue;
      seen.add(fn);
      slot[SLOT] = fn;
      const handle = (post("Runtime.evaluate", { expression: `globalThis.${SLOT}`, objectGroup: GROUP }).result as RemoteObject).objectId;
      if (!handle) continue;
      const internal = (post("Runtime.getProperties", { objectId: handle, ownProperties: true, objectGroup: GROUP }).internalProperties ?? []) as PropertyDescriptor[];
      const scopes = internal.find((p) => p.name === "[[Scopes]]")?.value?.objectId;
      if (!scopes) continue;
      for (const scope of post("Runtime.getProperties", { objectId: scopes, ownProperties: true, objectGroup: GROUP }).result as PropertyDescriptor[]) {
        const kind = scope.value?.description ?? "";
        if (!scope.value?.objectId || !/^(Closure|Local|Block)/.test(kind)) continue;
        const variables = post("Runtime.getProperties", { objectId: scope.value.objectId, ownProperties: true, objectGroup: GROUP }).result as PropertyDescriptor[];
        for (const v of variables.slice(0, VARIABLES_PER_FUNCTION)) {
          if (stopped) break;
          const id = v.value?.objectId;
          if (!id || (v.value?.type !== "object" && v.value?.type !== "function")) continue;
          const value = fetch(id);
          if (typeof value === "function") {
            if (depth < 2 && !seen.has(value)) queue.push([value, depth + 1]);
          } else if (typeof value === "object" && value !== null && !seen.has(value)) {
            seen.add(value);
            if (visit(value) === true) stopped = true;
          }
        }
      }
    }
  } catch (error) {
    // Best effort: what was found so far counts; the caller reports the failure.
    return { status: "failed", reason: reasonOf(error) };
  } finally {
    delete slot[SLOT];
    try {
      close();
    } catch {
      // Disconnecting a session that already failed: nothing more to release.
    }
  }
  return { status: "done" };
}

function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Key under which a guard may expose its producer (read before any closure walk). */
export const GUARD_PRODUCER = Symbol.for("langgraph-firebreak.guard.producer");

/**
 * The producer a BICR guard wraps: the guard's own `GUARD_PRODUCER` property when it has one,
 * else the resolved options held in the closure of the guard's `produce` node (`bufferStage(o)`
 * closes over `o`, whose `producer` is the node `guardNodeInPlace` replaced). Undefined when neither
 * can be read; `walk` says why a closure walk could not.
 */
export function guardProducer(guard: unknown): { producer?: unknown; walk?: ClosureWalk } {
  if (typeof guard !== "object" || guard === null) return {};
  const exposed = (guard as Record<symbol, unknown>)[GUARD_PRODUCER];
  if (exposed !== undefined) return { producer: exposed };
  const produce = (guard as { builder?: { nodes?: Record<string, { runnable?: { func?: unknown } }> } }).builder?.nodes?.["produce"]?.runnable?.func;
  if (typeof produce !== "function") return {};
  let producer: unknown;
  const walk = walkClosures([produce], (value) => {
    const o = value as { producer?: unknown; challenger?: unknown; parentKeys?: unknown };
    if (o.producer === undefined || o.challenger === undefined || !Array.isArray(o.parentKeys)) return false;
    producer = o.producer;
    return true;
  }, 1);
  return producer !== undefined ? { producer, walk } : { walk };
}
