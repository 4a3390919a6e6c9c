/** A loopback OpenAI-compatible server (127.0.0.1 only): JSON and SSE chat completions, statuses on demand. */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ChatOpenAI } from "@langchain/openai";

export type Behaviour =
  | { kind: "answer"; content: string }
  | { kind: "status"; status: number }
  | { kind: "hang" }
  /** Streams `content`'s tokens, then destroys the socket (stream) or stalls forever (`stall`). */
  | { kind: "partial"; content: string; then: "destroy" | "stall" };

export interface Loopback {
  url: string;
  /** Every request body received, in order. */
  requests: Array<Record<string, unknown>>;
  /** Queues behaviours for a model name; the last one repeats. */
  script(model: string, behaviours: Behaviour[]): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (data += c));
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}

/** Splits text into word tokens (whitespace kept on the word). */
export function tokens(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [text];
}

export async function startLoopback(): Promise<Loopback> {
  const requests: Array<Record<string, unknown>> = [];
  const scripts = new Map<string, Behaviour[]>();
  const open = new Set<ServerResponse>();
  const server = createServer(async (req, res) => {
    open.add(res);
    res.on("close", () => open.delete(res));
    const raw = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      /* empty */
    }
    if (!req.url?.endsWith("/chat/completions")) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
      return;
    }
    requests.push(body);
    const model = String(body.model);
    const queue = scripts.get(model) ?? [{ kind: "answer", content: "default answer" }];
    const behaviour = queue.length > 1 ? queue.shift()! : queue[0]!;
    if (behaviour.kind === "hang") return; // never answers; the client aborts
    if (behaviour.kind === "status") {
      res
        .writeHead(behaviour.status, { "content-type": "application/json" })
        .end(JSON.stringify({ error: { message: `scripted ${behaviour.status}`, type: "scripted", code: null } }));
      return;
    }
    const base = { id: "chatcmpl-1", created: 1, model };
    if (behaviour.kind === "partial") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      for (const t of tokens(behaviour.content)) {
        res.write(`data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: t }, finish_reason: null }] })}\n\n`);
      }
      if (behaviour.then === "destroy") setTimeout(() => res.destroy(), 20);
      return;
    }
    if (body.stream) {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const send = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`);
      send({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] });
      for (const t of tokens(behaviour.content)) {
        send({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: t }, finish_reason: null }] });
      }
      send({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
      send({ ...base, object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
      res.end("data: [DONE]\n\n");
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        ...base,
        object: "chat.completion",
        choices: [{ index: 0, message: { role: "assistant", content: behaviour.content }, finish_reason: "stop" }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script(model, behaviours) {
      scripts.set(model, [...behaviours]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of open) r.destroy();
        server.close(() => resolve());
      }),
  };
}

export function openai(server: Loopback, model: string, extra: Record<string, unknown> = {}): ChatOpenAI {
  return new ChatOpenAI({
    model,
    apiKey: "sk-loopback",
    maxRetries: 0,
    configuration: { baseURL: server.url },
    ...extra,
  });
}
