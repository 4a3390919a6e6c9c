/**
 * A local OpenAI-compatible server for tests: POST /v1/chat/completions, JSON or SSE
 * (`stream: true`), with tool calls; what each request gets is scripted by the test.
 * Listens on 127.0.0.1, an ephemeral port.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the server does with one request. */
export type Behaviour =
  | {
      readonly kind: "good";
      readonly content?: string;
      readonly toolCalls?: ReadonlyArray<{ name: string; args: unknown }>;
      /** Answer only after this many (real) milliseconds. */
      readonly delayMs?: number;
    }
  | { readonly kind: "garbage"; readonly content?: string }
  | { readonly kind: "content"; readonly content: string }
  | { readonly kind: "status"; readonly status: number; readonly retryAfter?: string; readonly message?: string }
  | { readonly kind: "hang" };

/** A request as the server saw it. */
export interface RecordedRequest {
  readonly body: Record<string, unknown> & { messages: Array<{ role: string; content: unknown }>; stream?: boolean };
}

export interface FakeOpenAI {
  readonly baseURL: string;
  readonly requests: RecordedRequest[];
  /** Replaces the script; `n` counts requests from 0. */
  script(fn: (request: RecordedRequest, n: number) => Behaviour): void;
  close(): Promise<void>;
}

export const GOOD_ANSWER = "Paris is the capital of France; it sits on the Seine.";
export const GARBAGE = Array.from({ length: 40 }, () => "lorem ipsum dolor").join(" ");
export const USAGE = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 };

/** Starts the server. */
export async function startFakeOpenAI(initial: (request: RecordedRequest, n: number) => Behaviour = () => ({ kind: "good" })): Promise<FakeOpenAI> {
  let script = initial;
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (d: Buffer) => (raw += d.toString("utf8")));
    req.on("end", () => {
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not found" } }));
        return;
      }
      const request: RecordedRequest = { body: JSON.parse(raw) };
      const n = requests.length;
      requests.push(request);
      respond(req, res, request, script(request, n), n, (server.address() as AddressInfo).port);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    script(fn) {
      script = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function respond(req: IncomingMessage, res: ServerResponse, request: RecordedRequest, b: Behaviour, n: number, port: number): void {
  if (b.kind === "hang") return; // never answers; closed by close()
  if (b.kind === "good" && b.delayMs) {
    const timer = setTimeout(() => respond(req, res, request, { ...b, delayMs: 0 }, n, port), b.delayMs);
    res.on("close", () => clearTimeout(timer));
    return;
  }
  if (b.kind === "status") {
    res.writeHead(b.status, {
      "content-type": "application/json",
      ...(b.retryAfter !== undefined ? { "retry-after": b.retryAfter } : {}),
    });
    res.end(JSON.stringify({ error: { message: b.message ?? `scripted ${b.status}`, type: b.status === 429 ? "rate_limit_error" : "server_error" } }));
    return;
  }
  const content = b.kind === "good" ? (b.toolCalls ? "" : (b.content ?? GOOD_ANSWER)) : b.kind === "garbage" ? (b.content ?? GARBAGE) : b.content;
  const toolCalls = b.kind === "good" && b.toolCalls
    ? b.toolCalls.map((call, i) => ({ id: `call_${n}_${i}`, type: "function", function: { name: call.name, arguments: typeof call.args === "string" ? call.args : JSON.stringify(call.args) } }))
    : undefined;
  const id = `chatcmpl-${port}-${n}`;
  const model = String(request.body.model ?? "fake");
  const created = 1_700_000_000;
  const finish = toolCalls ? "tool_calls" : "stop";
  if (!request.body.stream) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id,
        object: "chat.completion",
        created,
        model,
        choices: [{ index: 0, message: { role: "assistant", content: toolCalls ? null : content, refusal: null, ...(toolCalls ? { tool_calls: toolCalls } : {}) }, finish_reason: finish, logprobs: null }],
        usage: USAGE,
      }),
    );
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const send = (delta: Record<string, unknown>, finishReason: string | null = null, extra: Record<string, unknown> = {}) =>
    res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }], ...extra })}\n\n`);
  send({ role: "assistant", content: "" });
  if (toolCalls) {
    toolCalls.forEach((call, index) => {
      send({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.function.name, arguments: "" } }] });
      const args = call.function.arguments;
      const mid = Math.ceil(args.length / 2);
      send({ tool_calls: [{ index, function: { arguments: args.slice(0, mid) } }] });
      send({ tool_calls: [{ index, function: { arguments: args.slice(mid) } }] });
    });
  } else {
    for (const piece of content.match(/\S+\s*/g) ?? []) send({ content: piece });
  }
  send({}, finish);
  const includeUsage = (request.body.stream_options as { include_usage?: boolean } | undefined)?.include_usage;
  if (includeUsage) res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage: USAGE })}\n\n`);
  res.end("data: [DONE]\n\n");
}
