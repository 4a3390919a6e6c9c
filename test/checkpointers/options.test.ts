import { afterEach, describe, expect, it, vi } from "vitest";
import {
  CHECKPOINTER_DEFAULTS,
  createCheckpointer,
  durableConfig,
  FIREBREAK_DURABILITY,
  isCheckpointerError,
} from "../../checkpointers/index.js";
import { resolveCheckpointerOptions } from "../../checkpointers/options-schema.js";
import { isInvalidOptionsError } from "../../src/errors.js";

afterEach(() => {
  vi.unstubAllEnvs();
});

async function rejection(options: unknown) {
  return createCheckpointer(options as Parameters<typeof createCheckpointer>[0]).then(
    () => {
      throw new Error("expected createCheckpointer to reject");
    },
    (e: unknown) => e as Error,
  );
}

async function expectInvalid(options: unknown, ...fragments: string[]) {
  const error = await rejection(options);
  expect(isInvalidOptionsError(error)).toBe(true);
  expect(isCheckpointerError(error)).toBe(false);
  for (const f of fragments) expect(error.message).toContain(f);
  return error;
}

describe("createCheckpointer options", () => {
  it("rejects a schema name that is not a plain identifier", async () => {
    await expectInvalid({ backend: "embedded", schema: 'x"; DROP TABLE users; --' }, "schema received", "a plain identifier");
  });

  it("rejects backend postgres without any URL", async () => {
    vi.stubEnv("DATABASE_URL", undefined);
    await expectInvalid({ backend: "postgres" }, "backend received", "a URL in url or DATABASE_URL");
  });

  it("rejects a URL of another scheme and never echoes its password", async () => {
    const error = await expectInvalid({ url: "mysql://root:topsecret@db:3306/app" }, "postgres://");
    expect(error.message).not.toContain("topsecret");
  });

  it("rejects a pool size below one", async () => {
    await expectInvalid({ url: "postgres://u@127.0.0.1:1/db", poolSize: 0 }, "poolSize received 0");
  });

  it("rejects an unknown backend instead of falling back to the embedded database", async () => {
    await expectInvalid({ backend: "mysql" }, 'backend received "mysql"; allowed: one of "postgres", "embedded"');
  });

  it("rejects a blank url given explicitly, even when DATABASE_URL is set", async () => {
    vi.stubEnv("DATABASE_URL", "postgres://u@127.0.0.1:1/db");
    await expectInvalid({ url: "" }, "url received a blank string");
    await expectInvalid({ url: "   " }, "url received a blank string");
  });

  it("rejects a DATABASE_URL that is set but blank", async () => {
    vi.stubEnv("DATABASE_URL", "  ");
    await expectInvalid({}, "DATABASE_URL received a blank value");
  });

  it("rejects an empty dataDir instead of writing into the current directory", async () => {
    await expectInvalid({ backend: "embedded", dataDir: "" }, "dataDir received an empty path");
  });

  it("rejects wrong types and null options with the option named, not a TypeError", async () => {
    await expectInvalid({ url: 42 }, "url received 42; allowed: a postgres:// URL string");
    await expectInvalid(null, "options received null; allowed: an options object, or nothing");
    await expectInvalid("postgres://x", "allowed: an options object, or nothing");
    await expectInvalid({ backend: "embedded", dataDir: 7 }, "dataDir received 7; allowed: a directory path string");
    await expectInvalid({ backend: "embedded", log: "stderr" }, "log received \"stderr\"; allowed: a function");
  });

  it("rejects unknown keys, listing the known ones", async () => {
    const error = await expectInvalid({ urll: 7 }, "urll received 7; allowed: no such option");
    expect(error.message).toMatch(/url, backend/);
  });

  it("rejects timer values Node would clamp to 1 ms (above 2³¹−1) and non-positive ones", async () => {
    const thirtyDays = 30 * 24 * 3600 * 1000;
    await expectInvalid({ backend: "embedded", statementTimeoutMs: thirtyDays }, "statementTimeoutMs received", "2147483647", String(thirtyDays));
    await expectInvalid({ backend: "embedded", connectTimeoutMs: 0 }, "connectTimeoutMs received 0");
    await expectInvalid({ backend: "embedded", setupLockTimeoutMs: 1.5 }, "setupLockTimeoutMs received 1.5");
    await expectInvalid({ backend: "embedded", keepAliveMs: -1 }, "keepAliveMs received -1");
  });
});

describe("resolveCheckpointerOptions", () => {
  it("chooses the embedded default only when no URL was given at all, and marks it as a default", () => {
    const embedded = resolveCheckpointerOptions({}, {});
    expect(embedded.backend).toBe("embedded");
    expect(embedded.embeddedByDefault).toBe(true);
    expect(resolveCheckpointerOptions({ backend: "embedded" }, {}).embeddedByDefault).toBe(false);
    const pg = resolveCheckpointerOptions({}, { DATABASE_URL: "postgres://u@h/db" });
    expect(pg.backend).toBe("postgres");
    expect(pg.url).toBe("postgres://u@h/db");
  });

  it("applies the documented defaults", () => {
    const r = resolveCheckpointerOptions({ url: "postgres://u@h/db" }, {});
    expect(r).toMatchObject({ ...CHECKPOINTER_DEFAULTS, backend: "postgres" });
    expect(CHECKPOINTER_DEFAULTS).toEqual({
      schema: "public",
      poolSize: 10,
      connectTimeoutMs: 10_000,
      statementTimeoutMs: 30_000,
      setupLockTimeoutMs: 30_000,
      keepAliveMs: 10_000,
    });
  });
});

describe("durableConfig", () => {
  it("sets the thread id and the crash-safe durability, keeping other fields", () => {
    const config = durableConfig("t-1", { recursionLimit: 5, configurable: { user: "ana" } });
    expect(config).toEqual({ recursionLimit: 5, configurable: { user: "ana", thread_id: "t-1" }, durability: "sync" });
    expect(FIREBREAK_DURABILITY).toBe("sync");
  });
});
