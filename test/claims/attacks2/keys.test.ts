// Promise 5 (keys): seals made under another FIREBREAK_CLAIMS_KEY must not keep their status here.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Harness, rejection } from "./harness.js";

const child = fileURLToPath(new URL("./key-child.ts", import.meta.url));
const tsx = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url));
const KEY_A = "A".repeat(20) + "-deployment-a-secret-key-0001";
const KEY_B = "B".repeat(20) + "-deployment-b-secret-key-0002";
const dir = mkdtempSync(join(tmpdir(), "fb-keys-"));

function run(args: string[], key: string | undefined): any {
  const env = { ...process.env };
  if (key === undefined) delete env.FIREBREAK_CLAIMS_KEY;
  else env.FIREBREAK_CLAIMS_KEY = key;
  const out = execFileSync(tsx, [child, ...args], { env, encoding: "utf8", timeout: 50_000 });
  return JSON.parse(out);
}
const consume = (style: string, claims: any, key: string | undefined) => {
  const f = join(dir, `${style}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(f, JSON.stringify(claims));
  return run(["consume", style, f], key);
};
const statusOf = (r: any) => (r.ok ? r.claims.find((c: any) => c.id === "c1")?.status : `rejected`);

// Child processes are slow on the shared machine: one producer per style, few consumers.
describe.each(["annotation", "schema", "zod"])("deployment keys (%s)", (style) => {
  it("claims sealed under key A are not green under key B, nor in this process", async () => {
    const produced = run(["produce", style], KEY_A);
    expect(produced.find((c: any) => c.id === "c1").status).toBe("green");
    expect(statusOf(consume(style, produced, KEY_B))).not.toBe("green");
    if (process.env.FIREBREAK_CLAIMS_KEY !== KEY_A) {
      const h = new Harness(style as any, { verifiers: ["challenger"] });
      const e = await rejection(() => h.run("analyst", () => ({}), "k", { claims: produced }));
      if (!e) expect(h.get(await h.claims("k"), "c1").status).not.toBe("green");
    }
  }, 120_000);
});

describe("deployment keys (schema, controls and no key)", () => {
  it("key A -> key A keeps green (control); no key -> no key is not green", () => {
    const a = run(["produce", "schema"], KEY_A);
    expect(statusOf(consume("schema", a, KEY_A))).toBe("green");
    const none = run(["produce", "schema"], undefined);
    expect(none.find((c: any) => c.id === "c1").status).toBe("green");
    expect(statusOf(consume("schema", none, undefined))).not.toBe("green");
  }, 120_000);

  it("a too-short key is refused, or its seals do not keep status", () => {
    let produced: any;
    try {
      produced = run(["produce", "schema"], "short-key");
    } catch {
      return;
    }
    if (!Array.isArray(produced)) return; // the child reported an error: refused
    expect(statusOf(consume("schema", produced, "short-key"))).not.toBe("green");
  }, 120_000);
});
