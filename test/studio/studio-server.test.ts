import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOtlpReceiver, type OtlpReceiver } from "../tracing/helpers/otlp-receiver.js";

// Starts `npm run studio`'s script (langgraph-cli dev, offline) on a free port and drives
// the gated_relay graph of langgraph.json through the LangGraph API, as Studio would.
const STARTUP_MS = 120_000;
let server: ChildProcess | undefined;
let base = "";
let log = "";
let phoenix: OtlpReceiver | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function api<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

async function waitUntilReady(deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (server?.exitCode !== null) throw new Error(`studio server exited early:\n${log.slice(-3000)}`);
    try {
      if ((await fetch(`${base}/ok`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`studio server not ready after ${STARTUP_MS} ms:\n${log.slice(-3000)}`);
}

beforeAll(async () => {
  phoenix = await startOtlpReceiver();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), LANGGRAPH_CLI_NO_ANALYTICS: "1" };
  for (const key of Object.keys(env)) {
    if (["LANGSMITH_", "LANGCHAIN_", "PHOENIX_", "LANGFUSE_"].some((prefix) => key.startsWith(prefix))) delete env[key];
  }
  // A local stand-in for Phoenix: graphs.ts turns tracing on from this variable.
  env.PHOENIX_COLLECTOR_ENDPOINT = phoenix.url;
  // Its own process group, so the CLI, its tsx watcher and the API worker all stop together.
  server = spawn(process.execPath, ["--import", "tsx", "scripts/studio.ts", "--host", "127.0.0.1"], {
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout!.on("data", (c: Buffer) => (log += c.toString()));
  server.stderr!.on("data", (c: Buffer) => (log += c.toString()));
  await waitUntilReady(Date.now() + STARTUP_MS);
}, STARTUP_MS + 10_000);

afterAll(async () => {
  await phoenix?.close();
  if (server?.pid === undefined || server.exitCode !== null) return;
  const exited = new Promise((r) => server!.once("exit", r));
  process.kill(-server.pid, "SIGTERM");
  const timer = setTimeout(() => {
    try {
      process.kill(-server!.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }, 5_000);
  await exited;
  clearTimeout(timer);
});

interface ThreadState {
  values: Record<string, unknown>;
  next: string[];
  tasks: { name: string; interrupts: { value: unknown }[] }[];
}

describe("LangGraph Studio dev server (npm run studio)", () => {
  it("serves the graphs of langgraph.json", async () => {
    const assistants = await api<{ graph_id: string }[]>("POST", "/assistants/search", {});
    expect(assistants.map((a) => a.graph_id)).toContain("gated_relay");
  });

  it("runs gated_relay to its human gate, resumes it with an approval, and returns the published draft", async () => {
    const { thread_id } = await api<{ thread_id: string }>("POST", "/threads", {});

    const paused = await api<{ __interrupt__?: { value: unknown }[] }>("POST", `/threads/${thread_id}/runs/wait`, {
      assistant_id: "gated_relay",
      input: { task: "relay accuracy" },
    });
    expect(paused.__interrupt__?.[0]?.value).toMatchObject({ question: "Publish this draft?" });

    const atGate = await api<ThreadState>("GET", `/threads/${thread_id}/state`);
    expect(atGate.next).toEqual(["human_gate"]);
    expect(atGate.values.published).toBeUndefined();
    const draft = atGate.values.draft;
    expect(draft).toMatch(/^\[scripted\]/);

    await api("POST", `/threads/${thread_id}/runs/wait`, {
      assistant_id: "gated_relay",
      command: { resume: { approved: true } },
    });
    const final = await api<ThreadState>("GET", `/threads/${thread_id}/state`);
    expect(final.next).toEqual([]);
    expect(final.values).toMatchObject({ approved: true, published: draft });
  });

  it("withholds the draft when the reviewer rejects it", async () => {
    const { thread_id } = await api<{ thread_id: string }>("POST", "/threads", {});
    await api("POST", `/threads/${thread_id}/runs/wait`, { assistant_id: "gated_relay", input: { task: "x" } });
    await api("POST", `/threads/${thread_id}/runs/wait`, { assistant_id: "gated_relay", command: { resume: { approved: false } } });
    const final = await api<ThreadState>("GET", `/threads/${thread_id}/state`);
    expect(final.values).toMatchObject({ approved: false, published: "(withheld by the reviewer)" });
  });

  it("traces the runs Studio starts to Phoenix when PHOENIX_COLLECTOR_ENDPOINT is set", async () => {
    const { thread_id } = await api<{ thread_id: string }>("POST", "/threads", {});
    await api("POST", `/threads/${thread_id}/runs/wait`, { assistant_id: "gated_relay", input: { task: "traced" } });
    // The batch exporter sends every 5 s; poll rather than sleep a fixed time.
    const deadline = Date.now() + 30_000;
    while (!phoenix!.spans().some((s) => s.name === "human_gate") && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
    }
    const spans = phoenix!.spans();
    expect(phoenix!.requests[0]?.path).toBe("/v1/traces");
    expect(spans.map((s) => s.name)).toEqual(expect.arrayContaining(["gated_relay", "write_draft", "human_gate"]));
    expect(spans[0]!.resource["openinference.project.name"]).toBe("langgraph-firebreak-studio");
  });
});
