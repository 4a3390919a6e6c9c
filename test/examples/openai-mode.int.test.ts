import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HumanMessage } from "@langchain/core/messages";
import { readChallengeRequest } from "langgraph-firebreak/testing";

/**
 * With OPENAI_API_KEY set the example runs real `ChatOpenAI` agents. Here they talk to a local
 * OpenAI-compatible server on loopback (OPENAI_BASE_URL), whose replies are scripted: the
 * server stands in for the provider's judgement, the client stack is the real one.
 */
interface Seen {
  agent: string;
  responseFormat: unknown;
}
const seen: Seen[] = [];
let server: Server;
let baseURL: string;
const dataDir = mkdtempSync(join(tmpdir(), "firebreak-openai-"));

function body(req: IncomingMessage): Promise<any> {
  return new Promise((resolve) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => resolve(JSON.parse(raw)));
  });
}

function completion(content: string) {
  return {
    id: "chatcmpl-local",
    object: "chat.completion",
    created: 0,
    model: "local-model",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const request = await body(req);
    const system = String(request.messages[0]?.content ?? "");
    const text = request.messages.map((m: { content: unknown }) => String(m.content)).join("\n");
    const agent = /You are an independent challenger/.test(system) ? "challenger" : (/You are the (\w+)/.exec(system)?.[1] ?? "unknown");
    seen.push({ agent, responseFormat: request.response_format });
    let content: string;
    if (agent === "supervisor") {
      const next = text.includes("[researcher]") ? "writer" : "researcher";
      content = JSON.stringify({ next, reason: "local provider decided" });
    } else if (agent === "challenger") {
      // The guard's challenger: judge every claim under review green, citing the calculator's evidence.
      const data = String(request.messages[1]?.content ?? "");
      const { claims } = readChallengeRequest([new HumanMessage(data)]);
      content = JSON.stringify({ verdicts: claims.map((c) => ({ claim_id: c.id, verdict: "green", reasons: ["matches the calculator"], evidence: ["calc:1"] })) });
    } else if (agent === "researcher") {
      content = "0.85^5 = 0.4437 (from the local provider)";
    } else {
      content = "About 44% (from the local provider)";
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(completion(content)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "examples/supervisor-worker/main.ts", ...args], {
      // No DATABASE_URL at all: the embedded default (a blank one is a configuration error).
      env: { ...withoutDatabaseUrl(process.env), FIREBREAK_DATA_DIR: join(dataDir, "db"), OPENAI_API_KEY: "sk-local-test", OPENAI_BASE_URL: baseURL, OPENAI_MODEL: "local-model" },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

describe("the example with OPENAI_API_KEY", () => {
  it("runs real ChatOpenAI agents against OPENAI_BASE_URL, with native structured output for routing", async () => {
    const first = await run([]);
    // Only the embedded default's one-line notice of where it writes.
    expect(first.err).toMatch(/^langgraph-firebreak: no DATABASE_URL or url given; checkpoints go to the embedded PGlite database at .*\n$/);
    expect(first.code).toBe(0);
    expect(first.out).toContain("Models: OpenAI local-model");
    expect(first.out).toContain("[researcher] 0.85^5 = 0.4437 (from the local provider)");
    expect(first.out).toContain("[guard:researcher] challenger: GREEN — matches the calculator");
    expect(first.out).toContain("[guard:researcher] committed (passed)\n");
    // The researcher's deferred "publish" ran once the attempt passed: one row in the example's database.
    expect(first.out).toMatch(/\[guard:researcher\] publish of attempt 1 executed \(idempotency key researcher:1:publish#1@[0-9a-f]{16}\)/);
    expect(first.out).toContain("[db] firebreak_example_reports: 1 row(s) for this thread\n");
    const id = /--thread ([0-9a-f-]{36}) --approve/.exec(first.out)![1]!;

    const second = await run(["--thread", id, "--approve"]);
    expect(second.code).toBe(0);
    expect(second.out).toContain("[answer] About 44% (from the local provider)");

    expect(seen.map((s) => s.agent)).toEqual(["supervisor", "researcher", "challenger", "supervisor", "writer"]);
    const routing = seen.find((s) => s.agent === "supervisor")!.responseFormat as { type: string };
    expect(routing.type).toBe("json_schema");
    // The challenger's verdicts come back through native structured output too.
    const verdicts = seen.find((s) => s.agent === "challenger")!.responseFormat as { type: string; json_schema: { name: string } };
    expect(verdicts).toMatchObject({ type: "json_schema", json_schema: { name: "submit_verdicts" } });
    // Two processes, each opening the embedded database: slow on a loaded machine.
  }, 300_000);
});

function withoutDatabaseUrl(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, ...rest } = env;
  return rest;
}
