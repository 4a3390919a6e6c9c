// Promise 1 (other processes, other threads) and promise 2 (FIREBREAK_CLAIMS_KEY): a verdict sealed in one
// process without a shared key is not trusted in another; one sealed in a worker thread of this process is.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import * as home from "../../../src/index.js";
import { Rig, byId, handOn, newClaim, rejection, verdict, verifiedClaims, type Claim, type Style } from "./kit.js";

const ENV = "FIREBREAK_CLAIMS_KEY";
const saved = process.env[ENV];
beforeEach(() => void delete process.env[ENV]);
afterEach(() => {
  if (saved === undefined) delete process.env[ENV];
  else process.env[ENV] = saved;
});
const KEY_A = "deployment-A-" + "a1b2c3d4".repeat(5);
const KEY_B = "deployment-B-" + "e5f6a7b8".repeat(5);

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const tsx = here("../../../node_modules/.bin/tsx");
const dir = mkdtempSync(join(tmpdir(), "fb-atk4-proc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Reply = { ok: boolean; claims?: Claim[]; error?: string };

/** Runs child.ts; the child inherits this process's whole environment, with the key set as given. */
function child(args: string[], key: string | undefined): Promise<Reply> {
  const env = { ...process.env };
  if (key === undefined) delete env[ENV];
  else env[ENV] = key;
  return new Promise((resolve, reject) =>
    execFile(tsx, [here("./child.ts"), ...args], { env, encoding: "utf8", timeout: 55_000 }, (err, out) =>
      err ? reject(err) : resolve(JSON.parse(out) as Reply),
    ),
  );
}
const produce = (style: Style, key?: string) => child(["produce", style], key);
function consume(style: Style, claims: Claim[], key?: string) {
  const f = join(dir, `${style}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(f, JSON.stringify(claims));
  return child(["consume", style, f], key);
}
function inWorker(data: { mode: "produce" | "consume"; style: Style; claims?: Claim[] }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const w = new Worker(here("./worker-boot.mjs"), { workerData: data, env: { ...process.env } });
    w.once("message", (m: Reply) => void w.terminate().then(() => resolve(m)));
    w.once("error", reject);
  });
}
/** Unconfirmed on arrival: no green, flagged for verification (or the whole input rejected). */
function notTrusted(r: { ok?: boolean; claims?: Claim[]; error?: unknown }) {
  if (r.claims === undefined) return;
  for (const id of ["c1", "c2"]) {
    expect(byId(r.claims, id).status).not.toBe("green");
    expect(byId(r.claims, id).requiresVerification).toBe(true);
  }
}

describe("no key: another process does not trust this one's seals, nor this one another's", () => {
  it("seals made here are not trusted by a child that inherits this process's environment", async () => {
    const mine = await verifiedClaims(home, "schema");
    const r = await consume("schema", mine, undefined);
    expect(r.ok).toBe(true);
    notTrusted(r);
  }, 60_000);

  it("seals made by a child without a key are not trusted here (schema, zod, annotation)", async () => {
    const theirs = await produce("schema", undefined);
    expect(byId(theirs.claims!, "c1").status).toBe("green");
    for (const style of ["schema", "zod", "annotation"] as const) notTrusted(await handOn(home, style, theirs.claims!));
  }, 60_000);

  it("seals made by a child with KEY_A are not trusted here (random key)", async () => {
    const theirs = await produce("zod", KEY_A);
    notTrusted(await handOn(home, "zod", theirs.claims!));
  }, 60_000);
});

// A worker thread is a copy of the package loaded in this process (its own JS realm, same pid).
describe("worker threads of this process", () => {
  it("control: with a shared FIREBREAK_CLAIMS_KEY a worker thread's verdicts are trusted on the main thread", async () => {
    process.env[ENV] = KEY_A;
    const r = await inWorker({ mode: "produce", style: "schema" });
    expect(byId((await handOn(home, "schema", r.claims!)).claims!, "c1").status).toBe("green");
  }, 60_000);

  // Documented limit (docs/claims.md, narrowed after this attack): without FIREBREAK_CLAIMS_KEY each worker
  // thread draws its own random key, so claims verified in a Worker arrive "unverified", flagged, on the main
  // thread of the same process (fails closed). Kept as an expected failure: it pins the limit.
  it.fails("a verdict sealed in a worker thread is trusted by a graph on the main thread", async () => {
    const r = await inWorker({ mode: "produce", style: "schema" });
    expect(byId(r.claims!, "c1").status).toBe("green");
    const got = await handOn(home, "schema", r.claims!);
    expect(got.error).toBeUndefined();
    expect(byId(got.claims!, "c1").status).toBe("green");
  }, 60_000);

  // Documented limit, the other way: claims verified on the main thread arrive "unverified" in a worker thread.
  it.fails("a verdict sealed on the main thread is trusted by a graph in a worker thread", async () => {
    const r = await inWorker({ mode: "consume", style: "schema", claims: await verifiedClaims(home, "schema") });
    expect(r.ok).toBe(true);
    expect(byId(r.claims!, "c1").status).toBe("green");
  }, 60_000);
});

describe("FIREBREAK_CLAIMS_KEY across processes", () => {
  it("a shared key keeps the status in another process, both ways", async () => {
    process.env[ENV] = KEY_A;
    const mine = await verifiedClaims(home, "schema");
    const there = await consume("schema", mine, KEY_A);
    expect(byId(there.claims!, "c1").status).toBe("green");
    const theirs = await produce("annotation", KEY_A);
    const got = await handOn(home, "annotation", theirs.claims!);
    expect(byId(got.claims!, "c1").status).toBe("green");
  }, 60_000);

  it("another key's seals are unconfirmed here, never trusted, never a crash", async () => {
    process.env[ENV] = KEY_A;
    const theirs = await produce("zod", KEY_B);
    const got = await handOn(home, "zod", theirs.claims!);
    expect(got.error).toBeUndefined();
    notTrusted(got);
  }, 60_000);
});

describe("handing claims on to another process (shared key)", () => {
  it("claims whose history holds a seal of another key are not green in a process with either key", async () => {
    process.env[ENV] = KEY_A;
    const fromA = await verifiedClaims(home, "schema");
    process.env[ENV] = KEY_B;
    const rig = new Rig(home, "schema");
    await rig.run("r", ["slow"], [() => ({})], { claims: fromA });
    const mixed = await rig.run("r", ["challenger"], [() => ({ claims: verdict(home, ["c1", "c2"], "green", "fresh-b") })]);
    expect(byId(mixed, "c1").status).toBe("green");
    for (const key of [KEY_A, KEY_B]) {
      const r = await consume("schema", JSON.parse(JSON.stringify(mixed)) as Claim[], key);
      if (r.claims) expect(byId(r.claims, "c1").status).not.toBe("green");
    }
  }, 60_000);

  // Was broken (a getter answering one verifier at the node-time check and another when recorded);
  // fixed: every check, the seal and what the channel applies judge one reading of the batch.
  it("a verdict recorded in challenger's name by another node is not green in another process listing only challenger", async () => {
    process.env[ENV] = KEY_A;
    const rig = new Rig(home, "schema", undefined, {});
    await rig.run("t", ["researcher"], [() => ({ claims: [newClaim("c1")] })]);
    await rejection(() =>
      rig.run("t", ["sneaky"], [
        () => {
          const b = home.claimVerdicts("sneaky", [{ id: "c1", status: "green", reason: "fine", evidence: ["e1"] }], { fetched: ["e1"] });
          let reads = 0;
          Object.defineProperty(b, "verifier", { get: () => (reads++ < 1 ? "sneaky" : "challenger"), enumerable: true });
          return { claims: b };
        },
      ]),
    );
    const r = await consume("schema", JSON.parse(JSON.stringify(await rig.claims("t"))) as Claim[], KEY_A);
    expect(r.ok).toBe(true);
    expect(byId(r.claims!, "c1").status).not.toBe("green");
  }, 60_000);
});
