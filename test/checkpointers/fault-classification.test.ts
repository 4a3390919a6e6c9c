import { describe, expect, it } from "vitest";
import { toCheckpointerError } from "../../checkpointers/index.js";
import { isConnectionLost } from "../../checkpointers/connection-errors.js";

const url = "postgres://app:pw@db.internal:6543/app";
const pgError = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe("which faults are a lost connection (and so retried once)", () => {
  it("a reset, a closed socket, an admin shutdown or a terminated connection are", () => {
    for (const e of [
      pgError("read ECONNRESET", "ECONNRESET"),
      pgError("write EPIPE", "EPIPE"),
      pgError("terminating connection due to administrator command", "57P01"),
      pgError("Connection terminated unexpectedly"),
    ]) {
      expect(isConnectionLost(e)).toBe(true);
      const mapped = toCheckpointerError(e, url, "query");
      expect(mapped.code).toBe("CHECKPOINTER_UNREACHABLE");
      expect(mapped.reason).toBe("connection-lost");
      expect(mapped.message).toContain("db.internal:6543");
      expect(mapped.message).toContain("resumable");
    }
  });

  it("a connect timeout, a refused connection or a SQL error are not (a repeat would not help, or would double a bound)", () => {
    const timeout = pgError("Connection terminated due to connection timeout");
    expect(isConnectionLost(timeout)).toBe(false);
    expect(toCheckpointerError(timeout, url, "query").reason).toBe("timeout");
    const refused = pgError("connect ECONNREFUSED 10.0.0.1:6543", "ECONNREFUSED");
    expect(isConnectionLost(refused)).toBe(false);
    expect(toCheckpointerError(refused, url, "query").reason).toBe("refused");
    const sql = pgError('relation "checkpoints" does not exist', "42P01");
    expect(isConnectionLost(sql)).toBe(false);
    const mapped = toCheckpointerError(sql, url, "query");
    expect(mapped.code).toBe("CHECKPOINTER_SETUP");
    expect(mapped.reason).toBeUndefined();
    expect(mapped.message).toContain("run createCheckpointer() again");
  });
});
