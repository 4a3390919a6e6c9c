import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOtlpReceiver, type OtlpReceiver } from "../tracing/support/otlp-receiver.js";

// Starts `npm run studio`'s script (langgraph-cli dev, offline) on a free port and drives
// the graphs of langgraph.json (gated_relay, supervisor_worker) through the LangGraph API,
// as Studio would.
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

/**
 * The dev server runs under `tsx watch`: an edit to any file the graphs import (by anyone
 * working in this checkout) restarts it and empties its threads. Runs `scenario` again,
 * once, only when the server's log shows such a restart happened during it.
 */
async function surviveRestart(scenario: () => Promise<void>): Promise<void> {
  const mark = log.length;
  try {
    await scenario();
  } catch (error) {
    if (!/Restarting\.\.\.|Rerunning\.\.\./.test(log.slice(mark))) throw error;
    await waitUntilReady(Date.now() + STARTUP_MS);
    await scenario();
  }
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

const TEAM_TASK = "A relay of five agents is 85% accurate at each step. How often is the final answer right?";

/** One `[name] content` line per message of the team's transcript. */
function transcript(values: Record<string, unknown>): string {
  return ((values.messages ?? []) as { name?: string; content: unknown }[]).map((m) => `[${m.name ?? "?"}] ${String(m.content)}`).join("\n");
}

describe("LangGraph Studio dev server (npm run studio)", () => {
  it("serves the graphs of langgraph.json", async () => {
    const assistants = await api<{ graph_id: string }[]>("POST", "/assistants/search", {});
    expect(assistants.map((a) => a.graph_id)).toEqual(expect.arrayContaining(["gated_relay", "supervisor_worker", "breaker_failover"]));
  });

  it("runs the guarded supervisor_worker to its human gate before the writer, resumes it, and reads the final answer", async () => {
    await surviveRestart(async () => {
      const { thread_id } = await api<{ thread_id: string }>("POST", "/threads", {});
      // interruptBefore: ["writer"] is set at compile time; the dev server keeps it with its own checkpointer.
      const paused = await api<{ __interrupt__?: unknown[]; answer?: string }>("POST", `/threads/${thread_id}/runs/wait`, {
        assistant_id: "supervisor_worker",
        input: { task: TEAM_TASK, messages: [] },
      });
      expect(paused.__interrupt__).toEqual([]);
      expect(paused.answer).toBeUndefined();

      const atGate = await api<ThreadState>("GET", `/threads/${thread_id}/state`);
      expect(atGate.next).toEqual(["writer"]);
      expect(atGate.values.answer).toBeUndefined();
      // The guard blocked the researcher's scripted falsehood (0.52) once and passed the retry.
      expect(atGate.values.guardRecords).toMatchObject([
        { guard: "researcher", outcome: "passed", blocked: 1 },
        { guard: "analyst", outcome: "passed", blocked: 0 },
      ]);
      const team = transcript(atGate.values);
      expect(team).toContain("[researcher] Five independent stages at 0.85 each succeed together with probability 0.85^5 = 0.4437");
      expect(team).toContain("[analyst]");
      expect(team).not.toContain("0.52");

      // The human at the gate approves: a run with a null input resumes a static interrupt.
      const done = await api<{ answer?: string }>("POST", `/threads/${thread_id}/runs/wait`, { assistant_id: "supervisor_worker", input: null });
      expect(done.answer).toMatch(/^About 44% of the time/);
      const final = await api<ThreadState>("GET", `/threads/${thread_id}/state`);
      expect(final.next).toEqual([]);
      expect(final.values.answer).toBe(done.answer);
      expect(transcript(final.values)).toMatch(/\[writer\] About 44%/);
    });
  });

  it("runs the semantic circuit breaker unchanged: bad answers fail over to the backup, and the circuit opens after two", async () => {
    const ask = async () => {
      const { thread_id } = await api<{ thread_id: string }>("POST", "/threads", {});
      return api<{ answer?: string; circuits?: string }>("POST", `/threads/${thread_id}/runs/wait`, { assistant_id: "breaker_failover", input: { question: "What is 0.85^5?" } });
    };
    const first = await ask();
    expect(first.answer).toBe("0.85^5 ≈ 0.4437"); // the empty answer never reached the state
    expect(first.circuits).toBe("primary:closed backup:closed");
    const second = await ask();
    expect(second.answer).toBe("0.85^5 ≈ 0.4437");
    expect(second.circuits).toBe("primary:open backup:closed");
  });

  it("runs gated_relay to its human gate, resumes it with an approval, and returns the published draft", () =>
    surviveRestart(async () => {
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
    }));

  it("withholds the draft when the reviewer rejects it", () =>
    surviveRestart(async () => {
      const { thread_id } = await api<{ thread_id: string }>("POST", "/threads", {});
      await api("POST", `/threads/${thread_id}/runs/wait`, { assistant_id: "gated_relay", input: { task: "x" } });
      await api("POST", `/threads/${thread_id}/runs/wait`, { assistant_id: "gated_relay", command: { resume: { approved: false } } });
      const final = await api<ThreadState>("GET", `/threads/${thread_id}/state`);
      expect(final.values).toMatchObject({ approved: false, published: "(withheld by the reviewer)" });
    }));

  it("traces the runs Studio starts to Phoenix when PHOENIX_COLLECTOR_ENDPOINT is set", async () => {
    await surviveRestart(async () => {
      const { thread_id } = await api<{ thread_id: string }>("POST", "/threads", {});
      await api("POST", `/threads/${thread_id}/runs/wait`, { assistant_id: "gated_relay", input: { task: "traced" } });
    });
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

describe("tracing the guarded team from Studio", () => {
  it("sends the guard's stages and the graph's topology to Phoenix", async () => {
    await surviveRestart(async () => {
      const { thread_id } = await api<{ thread_id: string }>("POST", "/threads", {});
      await api("POST", `/threads/${thread_id}/runs/wait`, { assistant_id: "supervisor_worker", input: { task: TEAM_TASK, messages: [] } });
    });
    const isRed = (s: { name: string; attributes: Record<string, unknown> }) =>
      s.name === "firebreak/bicr" && s.attributes["firebreak.stage"] === "challenge" && s.attributes["firebreak.blocked"] === true;
    const deadline = Date.now() + 30_000;
    while (!phoenix!.spans().some(isRed) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const spans = phoenix!.spans();
    const red = spans.find(isRed);
    expect(red?.attributes).toMatchObject({ "firebreak.guard": "researcher", "firebreak.attempt": 1 });
    expect(String(red?.attributes["firebreak.verdicts"])).toContain('"verdict":"red"');
    const root = spans.find((s) => s.name === "supervisor_worker" && s.traceId === red!.traceId);
    expect(root?.parentSpanId).toBe("");
    expect(root?.attributes["firebreak.topology.rho"]).toBeCloseTo(Math.SQRT2, 12);
    // Both workers are guarded: ρ_eff = √(2 · 0.11) and the cascade is sub-threshold.
    expect(root?.attributes["firebreak.topology.rhoEffective"]).toBeCloseTo(Math.sqrt(0.22), 9);
    expect(root?.attributes).toMatchObject({ "firebreak.topology.tier": 2, "firebreak.topology.verdict": "sub-threshold" });
  });
});
