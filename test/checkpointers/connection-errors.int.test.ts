import { afterEach, describe, expect, it } from "vitest";
import { createCheckpointer, isCheckpointerError, toCheckpointerError } from "../../checkpointers/index.js";
import { closedPort, type FakeServer, silentServer, wrongPasswordServer } from "../support/fake-postgres-server.js";
import { testDatabaseUrl } from "../support/backends.js";

/** Runs `createCheckpointer` and returns what it threw (fails the test if it did not throw). */
async function failure(options: Parameters<typeof createCheckpointer>[0]) {
  const outcome = await createCheckpointer(options).then(
    async (cp) => {
      await cp.close();
      return undefined;
    },
    (error: unknown) => error,
  );
  if (outcome === undefined) throw new Error("createCheckpointer succeeded but should have failed");
  return outcome as Error & { code: string };
}

/** Messages are for people: one paragraph, no driver stack, no password. */
function expectReadable(error: Error, secret?: string) {
  expect(error.message).not.toMatch(/\n\s+at |node_modules/);
  if (secret) expect(error.message).not.toContain(secret);
}

const servers: FakeServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe("connection errors name the server and what to do", () => {
  it("an unreachable port is CHECKPOINTER_UNREACHABLE naming host:port, with the password redacted", async () => {
    const port = await closedPort();
    const error = await failure({ url: `postgres://app:s3cret-pw@127.0.0.1:${port}/test` });
    expect(isCheckpointerError(error, "CHECKPOINTER_UNREACHABLE")).toBe(true);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain("refused the connection");
    expect(error.message).toContain("app:***@");
    expect(error.message).toMatch(/Start the server or fix the host and port/);
    expectReadable(error, "s3cret-pw");
  });

  it("a server that never answers is CHECKPOINTER_UNREACHABLE after connectTimeoutMs", async () => {
    const server = await silentServer();
    servers.push(server);
    const error = await failure({ url: `postgres://app@127.0.0.1:${server.port}/test`, connectTimeoutMs: 300 });
    expect(isCheckpointerError(error, "CHECKPOINTER_UNREACHABLE")).toBe(true);
    expect(error.message).toContain(`127.0.0.1:${server.port}`);
    expect(error.message).toContain("connectTimeoutMs");
    expectReadable(error);
  });

  it("a wrong password (real pg driver against a protocol-level fake server) is CHECKPOINTER_AUTH", async () => {
    // The CI server uses trust auth and accepts any password, so the 28P01 answer comes
    // from a loopback fake that speaks the PostgreSQL protocol; the driver path is real.
    const server = await wrongPasswordServer();
    servers.push(server);
    const error = await failure({ url: `postgres://app:wrong-pw@127.0.0.1:${server.port}/test` });
    expect(isCheckpointerError(error, "CHECKPOINTER_AUTH")).toBe(true);
    expect(error.message).toContain(`127.0.0.1:${server.port}`);
    expect(error.message).toContain(`rejected the password for user "app"`);
    expect(error.message).toContain("Fix the password");
    expectReadable(error, "wrong-pw");
    expect((error.cause as { code?: string }).code).toBe("28P01");
  });

  it("maps a pg-shaped 28P01 error (constructed, not from a server) without leaking the password", () => {
    const pgError = Object.assign(new Error('password authentication failed for user "ops"'), {
      code: "28P01",
      severity: "FATAL",
    });
    const error = toCheckpointerError(pgError, "postgres://ops:hunter2@db.internal:6543/app");
    expect(error.code).toBe("CHECKPOINTER_AUTH");
    expect(error.message).toContain("db.internal:6543");
    expect(error.message).not.toContain("hunter2");
    expect(error.cause).toBe(pgError);
  });
});

// Needs a real PostgreSQL server: runs whenever DATABASE_URL is set (.ci/run exports it), skipped
// on a machine without one, where the embedded-backend tests still run.
describe.skipIf(testDatabaseUrl() === undefined)("errors from the real PostgreSQL server", () => {
  const base = new URL(testDatabaseUrl() ?? "postgres://postgres@127.0.0.1:5432/test");
  const address = `${base.hostname}:${base.port || "5432"}`;

  it("an unknown database is CHECKPOINTER_AUTH naming the database and how to create it", async () => {
    const url = new URL(base);
    url.pathname = "/firebreak_no_such_db";
    const error = await failure({ url: url.toString() });
    expect(isCheckpointerError(error, "CHECKPOINTER_AUTH")).toBe(true);
    expect(error.message).toContain(`PostgreSQL at ${address} has no database "firebreak_no_such_db"`);
    expect(error.message).toContain("createdb firebreak_no_such_db");
    expect((error.cause as { code?: string }).code).toBe("3D000");
    expectReadable(error);
  });

  it("an unknown role is CHECKPOINTER_AUTH naming the user", async () => {
    const url = new URL(base);
    url.username = "firebreak_no_such_role";
    const error = await failure({ url: url.toString() });
    expect(isCheckpointerError(error, "CHECKPOINTER_AUTH")).toBe(true);
    expect(error.message).toContain(`refused the login for user "firebreak_no_such_role"`);
    expect(error.message).toContain(address);
    expect((error.cause as { code?: string }).code).toBe("28000");
    expectReadable(error);
  });
});
