import { afterEach, describe, expect, it, vi } from "vitest";
import { createCheckpointer, describeConnectionUrl, redactUrl, toCheckpointerError } from "../../checkpointers/index.js";
import { redactText } from "../../checkpointers/redact.js";
import { closedPort } from "../support/fake-postgres-server.js";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("secrets never leave the checkpointers", () => {
  it("redacts user:password and every secret query parameter of a URL", () => {
    const url = "postgres://app:pw-in-userinfo@db:5432/app?password=pw-in-query&sslpassword=key-pw&sslmode=require";
    const redacted = redactUrl(url);
    expect(redacted).toBe("postgres://app:***@db:5432/app?password=***&sslpassword=***&sslmode=require");
    expect(describeConnectionUrl(url).redactedUrl).toBe(redacted);
  });

  it("reduces an unparsable URL to a placeholder (it may be a bare password)", () => {
    expect(redactUrl("hunter2")).toBe("(unparsable URL)");
  });

  it("removes the URL's secrets and PGPASSWORD from any text, encoded or not", () => {
    vi.stubEnv("PGPASSWORD", "env-secret");
    const url = "postgres://u:p%40ss-word@h/db?password=q%20secret";
    const text = "auth failed for p@ss-word / p%40ss-word, q secret, env-secret";
    expect(redactText(text, url)).toBe("auth failed for *** / ***, ***, ***");
  });

  it("keeps secrets out of mapped driver errors, whatever the driver put in its message", () => {
    vi.stubEnv("PGPASSWORD", "from-the-env");
    const driverError = Object.assign(new Error('password "qsecret" and "from-the-env" rejected'), { code: "XX000" });
    const error = toCheckpointerError(driverError, "postgres://ops@db.internal:6543/app?password=qsecret");
    expect(error.message).toContain("db.internal:6543");
    expect(error.message).not.toMatch(/qsecret|from-the-env/);
  });

  it("a real unreachable server: the message names host:port and has no password from the query string", async () => {
    const port = await closedPort();
    const error = (await createCheckpointer({ url: `postgres://app@127.0.0.1:${port}/db?password=q-secret-9` }).catch(
      (e: unknown) => e,
    )) as Error & { reason?: string };
    expect(error.reason).toBe("refused");
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain("password=***");
    expect(error.message).not.toContain("q-secret-9");
  });
});
