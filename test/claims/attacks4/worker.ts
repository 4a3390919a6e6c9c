// Worker thread (same process, own JS realm): verifies claims with its own load of the package and posts
// them back, or hands on claims it receives and posts what arrives.
import { parentPort, workerData } from "node:worker_threads";
import * as lib from "../../../src/index.js";
import { handOn, verifiedClaims, type Style } from "./kit.js";

const { mode, style, claims } = workerData as { mode: "produce" | "consume"; style: Style; claims?: lib.Claim[] };
try {
  if (mode === "produce") parentPort!.postMessage({ ok: true, claims: await verifiedClaims(lib, style) });
  else {
    const r = await handOn(lib, style, claims!);
    parentPort!.postMessage(r.error ? { ok: false, error: String(r.error) } : { ok: true, claims: r.claims });
  }
} catch (e) {
  parentPort!.postMessage({ ok: false, error: String(e) });
}
