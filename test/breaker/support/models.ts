/** Test helpers: real ChatOpenAI clients pointed at a fake server. */
import { ChatOpenAI } from "@langchain/openai";
import type { FakeOpenAI } from "./fake-openai-server.js";

/** A real ChatOpenAI against `server` (default retries left on: the wrapper must disable them). */
export function chatOpenAI(server: FakeOpenAI, fields: Record<string, unknown> = {}): ChatOpenAI {
  return new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "test", configuration: { baseURL: server.baseURL }, ...fields });
}
