// Child process for the key attacks. `produce <style>`: prints claims verified here (JSON).
// `consume <style> <file>`: hands the claims in <file> to a fresh graph here and prints what arrives.
// `key`: prints whether a seal can be made here (a too-short key must be refused).
import { readFileSync } from "node:fs";
import * as lib from "../../../src/index.js";
import { handOn, verifiedClaims, type Style } from "./kit.js";

const [mode, style, file] = process.argv.slice(2) as [string, Style, string | undefined];
try {
  if (mode === "produce") {
    process.stdout.write(JSON.stringify({ ok: true, claims: await verifiedClaims(lib, style) }));
  } else {
    const claims = JSON.parse(readFileSync(file!, "utf8"));
    const r = await handOn(lib, style, claims);
    if (r.error) throw r.error;
    process.stdout.write(JSON.stringify({ ok: true, claims: r.claims }));
  }
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, error: String((e as Error).message).slice(0, 500) }));
}
