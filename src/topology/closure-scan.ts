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

/**
 * Calls `visit` with every object held in the closure, local or block scopes of
 * `roots` (and, to `depth` 2, of functions found in closure scopes), at most `budget` functions.
 * Returns false when the inspector is unavailable.
 */
export function walkClosures(roots: readonly Function[], visit: (value: object) => void, budget = 200): boolean {
  if (roots.length === 0) return true;
  const session = openSession();
  if (!session) return false;
  const { post, close } = session;
  const slot = globalThis as Record<string, unknown>;
  const fetch = (objectId: string): unknown => {
    post("Runtime.callFunctionOn", { objectId, functionDeclaration: `function () { globalThis.${SLOT} = this; }`, objectGroup: GROUP });
    return slot[SLOT];
  };
  const seen = new Set<unknown>();
  const queue: [Function, number][] = roots.map((f) => [f, 0]);
  try {
    for (let visited = 0; queue.length > 0 && visited < budget; visited++) {
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
        for (const v of post("Runtime.getProperties", { objectId: scope.value.objectId, ownProperties: true, objectGroup: GROUP }).result as PropertyDescriptor[]) {
          const id = v.value?.objectId;
          if (!id || (v.value?.type !== "object" && v.value?.type !== "function")) continue;
          const value = fetch(id);
          if (typeof value === "function") {
            if (depth < 2 && !seen.has(value)) queue.push([value, depth + 1]);
          } else if (typeof value === "object" && value !== null && !seen.has(value)) {
            seen.add(value);
            visit(value);
          }
        }
      }
    }
  } catch {
    // Best effort: what was found so far counts.
  } finally {
    delete slot[SLOT];
    close();
  }
  return true;
}
