/** A simulated database outage for a checkpointer's pool (its listeners and fault paths under test). */
import type { Checkpointer } from "../../../checkpointers/index.js";

/** Makes every new connection and query of the pool fail as if the server refused it, until `restore()`. */
export function refuseConnections(cp: Checkpointer): { restore(): void } {
  const pool = cp.pool as unknown as { connect: (...a: unknown[]) => unknown; query: (...a: unknown[]) => unknown };
  const { connect, query } = pool;
  const refused = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
  pool.connect = (...args: unknown[]) => {
    const cb = args.find((a) => typeof a === "function") as ((e: Error) => void) | undefined;
    if (cb) return void process.nextTick(() => cb(refused()));
    return Promise.reject(refused());
  };
  pool.query = () => Promise.reject(refused());
  return {
    restore() {
      pool.connect = connect;
      pool.query = query;
    },
  };
}
