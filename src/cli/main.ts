/**
 * Entry point of the `firebreak` command (`npm run firebreak -- audit <module>:<export>`,
 * or `bin/firebreak.js`). Exits with the code `runCli` returns, once output is flushed. Code a
 * user's module runs in this process (a `chaos` graph) cannot make the command exit 0 without
 * a report: an exit before `runCli` returns, an uncaught error or an unhandled rejection is a
 * load or run error, exit code 2, with one message.
 */
import { writeSync } from "node:fs";
import { runCli } from "./run.js";

let finished = false;
process.on("exit", (code) => {
  if (finished || code !== 0) return;
  process.exitCode = 2;
  writeSync(2, "firebreak: the process was asked to exit (code 0) before a report was written, by code in the module under test; exit code 2.\n");
});
const fail = (kind: string) => (error: unknown) => {
  writeSync(2, `firebreak: ${kind} in the module under test: ${error instanceof Error ? error.message : String(error)}\n`);
  finished = true;
  process.exit(2);
};
process.on("uncaughtException", fail("uncaught error"));
process.on("unhandledRejection", fail("unhandled rejection"));

const code = await runCli(process.argv.slice(2));
await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
await new Promise<void>((resolve) => process.stderr.write("", () => resolve()));
finished = true;
// Exit explicitly: an audited module may leave handles open (timers, pools).
process.exit(code);
