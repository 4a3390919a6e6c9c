/**
 * Entry point of the `firebreak` command (`npm run firebreak -- audit <module>:<export>`,
 * or `bin/firebreak.js`). Exits with the code `runCli` returns, once output is flushed.
 */
import { runCli } from "./run.js";

const code = await runCli(process.argv.slice(2));
await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
await new Promise<void>((resolve) => process.stderr.write("", () => resolve()));
// Exit explicitly: an audited module may leave handles open (timers, pools).
process.exit(code);
