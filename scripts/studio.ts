/**
 * `npm run studio [-- extra langgraph-cli dev options]`: serves the graphs of
 * `langgraph.json` to LangGraph Studio with `@langchain/langgraph-cli dev`, offline (no
 * LangSmith key needed, CLI analytics off), on `PORT` (default 2024) without opening a
 * browser. Open Studio at https://smith.langchain.com/studio?baseUrl=http://127.0.0.1:<port>.
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = fileURLToPath(import.meta.resolve("@langchain/langgraph-cli/dist/cli/cli.mjs"));
const port = process.env.PORT || "2024";

const child = spawn(
  process.execPath,
  [cli, "dev", "--no-browser", "--port", port, "--config", join(root, "langgraph.json"), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: "inherit",
    env: { LANGGRAPH_CLI_NO_ANALYTICS: "1", ...process.env, BROWSER: "none" },
  },
);

// Stop the server with this script (Ctrl-C, or a test ending the process group).
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
