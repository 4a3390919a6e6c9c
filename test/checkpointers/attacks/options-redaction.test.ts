// Attacks on option checking and on secret redaction (no database needed: 127.0.0.1:1 refuses).
import { describe, expect, it } from "vitest";
import { createCheckpointer, CHECKPOINTER_DEFAULTS, isCheckpointerError, redactUrl } from "../../../checkpointers/index.js";
import { renderings } from "./support.js";
import { isInvalidOptionsError } from "../../../src/errors.js";

const quiet = { log: () => {} };

async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    const v = await p;
    if (v && typeof (v as { close?: () => Promise<void> }).close === "function") await (v as { close: () => Promise<void> }).close();
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

function withEnv<T>(env: Record<string, string | undefined>, f: () => Promise<T>): Promise<T> {
  const saved: Record<string, string | undefined> = {};
  for (const k of Object.keys(env)) {
    saved[k] = process.env[k];
    if (env[k] === undefined) delete process.env[k];
    else process.env[k] = env[k];
  }
  return f().finally(() => {
    for (const k of Object.keys(saved)) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
}

describe("bad options are rejected naming the option", () => {
  const cases: Array<[string, unknown, string]> = [
    ["backend mysql", { backend: "mysql" }, "backend"],
    ["blank url", { url: "   " }, "url"],
    ["url 42", { url: 42 }, "url"],
    ["empty dataDir", { backend: "embedded", dataDir: "" }, "dataDir"],
    ["timer above 2^31-1", { url: "postgres://x@127.0.0.1:1/db", statementTimeoutMs: 2 ** 31 }, "statementTimeoutMs"],
    ["fractional timer", { url: "postgres://x@127.0.0.1:1/db", connectTimeoutMs: 1.5 }, "connectTimeoutMs"],
    ["string timer", { url: "postgres://x@127.0.0.1:1/db", keepAliveMs: "100" }, "keepAliveMs"],
    ["lock timer Infinity", { url: "postgres://x@127.0.0.1:1/db", setupLockTimeoutMs: Infinity }, "setupLockTimeoutMs"],
    ["poolSize 0", { url: "postgres://x@127.0.0.1:1/db", poolSize: 0 }, "poolSize"],
    ["unknown key", { url: "postgres://x@127.0.0.1:1/db", pool: 3 }, "pool"],
    ["log not a function", { url: "postgres://x@127.0.0.1:1/db", log: "stderr" }, "log"],
  ];
  for (const [name, opts, option] of cases) {
    it(name, async () => {
      const e = await rejection(createCheckpointer({ ...quiet, ...(opts as object) }));
      expect(isInvalidOptionsError(e)).toBe(true);
      expect(isCheckpointerError(e)).toBe(false);
      expect(e.message).toContain(option);
    });
  }
  it("null options", async () => {
    const e = await rejection(createCheckpointer(null as never));
    expect(e.code).toBe("INVALID_OPTIONS");
  });
  it("DATABASE_URL set but blank is rejected, not silently embedded", async () => {
    const e = await withEnv({ DATABASE_URL: " " }, () => rejection(createCheckpointer(quiet)));
    expect(e.code).toBe("INVALID_OPTIONS");
    expect(e.message).toContain("DATABASE_URL");
  });
  it("documented defaults", () => {
    expect(CHECKPOINTER_DEFAULTS).toMatchObject({
      connectTimeoutMs: 10000,
      statementTimeoutMs: 30000,
      setupLockTimeoutMs: 30000,
      keepAliveMs: 10000,
      poolSize: 10,
      schema: "public",
    });
  });
});

describe("a password never leaks from a connection error", () => {
  const PW = "Hunter2Secret";
  const cases: Array<[string, string, Record<string, string | undefined>]> = [
    ["user:password@", `postgres://u:${PW}@127.0.0.1:1/db`, {}],
    ["?password=", `postgres://u@127.0.0.1:1/db?password=${PW}`, {}],
    ["sslpassword=", `postgres://u@127.0.0.1:1/db?sslpassword=${PW}&sslmode=disable`, {}],
    ["percent-encoded", `postgres://u:${PW}%40x@127.0.0.1:1/db`, {}],
    ["broken percent escape", `postgres://u:${PW}%zz@127.0.0.1:1/db`, {}],
    ["PGPASSWORD", `postgres://u@127.0.0.1:1/db`, { PGPASSWORD: PW }],
    ["DATABASE_URL", "", { DATABASE_URL: `postgres://u:${PW}@127.0.0.1:1/db` }],
    ["unknown host", `postgres://u:${PW}@atk-no-such-host.invalid:5432/db`, {}],
    ["unparsable port", `postgres://u:${PW}@127.0.0.1:99999/db`, {}],
  ];
  for (const [name, url, env] of cases) {
    it(name, async () => {
      const e = await withEnv(env, () => rejection(createCheckpointer({ ...quiet, connectTimeoutMs: 3000, ...(url ? { url } : {}) })));
      // An unparsable URL is an options error (InvalidOptionsError); the others fail to connect.
      expect(e.name).toMatch(/unparsable/.test(name) ? /^InvalidOptionsError$/ : /^Checkpointer(Unreachable|Auth|Setup)Error$/);
      const all = renderings(e);
      expect(all).not.toContain(PW);
      if (!/unparsable/.test(name)) expect(e.message).toMatch(/127\.0\.0\.1:1|atk-no-such-host\.invalid:5432/);
    });
  }
  it("refused carries code and reason", async () => {
    const e = await rejection(createCheckpointer({ ...quiet, url: `postgres://u:${PW}@127.0.0.1:1/db` }));
    expect(e.code).toBe("CHECKPOINTER_UNREACHABLE");
    expect(e.reason).toBe("refused");
  });
  it("redactUrl", () => {
    for (const u of [
      `postgres://u:${PW}@h:5432/db`,
      `postgres://u@h/db?password=${PW}`,
      `postgres://u@h/db?sslpassword=${PW}`,
      `postgres://u@h/db?PASSWORD=${PW}`,
      `postgres://u@h/db?sslkey=${PW}`,
    ]) {
      expect(redactUrl(u)).not.toContain(PW);
    }
  });
});
