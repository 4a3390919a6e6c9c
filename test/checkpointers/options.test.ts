import { afterEach, describe, expect, it, vi } from "vitest";
import { createCheckpointer, durableConfig, FIREBREAK_DURABILITY, isCheckpointerError } from "../../checkpointers/index.js";

afterEach(() => {
  vi.unstubAllEnvs();
});

async function rejection(options: Parameters<typeof createCheckpointer>[0]) {
  return createCheckpointer(options).then(
    () => {
      throw new Error("expected createCheckpointer to reject");
    },
    (e: unknown) => e as Error,
  );
}

describe("createCheckpointer options", () => {
  it("rejects a schema name that is not a plain identifier", async () => {
    const error = await rejection({ backend: "embedded", schema: 'x"; DROP TABLE users; --' });
    expect(isCheckpointerError(error, "INVALID_OPTIONS")).toBe(true);
    expect(error.message).toContain("is not a plain identifier");
  });

  it("rejects backend postgres without any URL", async () => {
    vi.stubEnv("DATABASE_URL", "");
    const error = await rejection({ backend: "postgres" });
    expect(isCheckpointerError(error, "INVALID_OPTIONS")).toBe(true);
    expect(error.message).toContain("DATABASE_URL is set but blank");
  });

  it("rejects a URL of another scheme and never echoes its password", async () => {
    const error = await rejection({ url: "mysql://root:topsecret@db:3306/app" });
    expect(isCheckpointerError(error, "INVALID_OPTIONS")).toBe(true);
    expect(error.message).toContain("postgres://");
    expect(error.message).not.toContain("topsecret");
  });

  it("rejects a pool size below one", async () => {
    const error = await rejection({ url: "postgres://u@127.0.0.1:1/db", poolSize: 0 });
    expect(isCheckpointerError(error, "INVALID_OPTIONS")).toBe(true);
  });
});

describe("durableConfig", () => {
  it("sets the thread id and the crash-safe durability, keeping other fields", () => {
    const config = durableConfig("t-1", { recursionLimit: 5, configurable: { user: "ana" } });
    expect(config).toEqual({ recursionLimit: 5, configurable: { user: "ana", thread_id: "t-1" }, durability: "sync" });
    expect(FIREBREAK_DURABILITY).toBe("sync");
  });
});
