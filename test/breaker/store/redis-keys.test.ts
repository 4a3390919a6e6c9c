/**
 * The Redis key format of a circuit (docs/scaling.md, "Hostile or odd input"): readable for plain
 * names, and one key for exactly one (key prefix, provider name) pair, whatever braces or escape
 * spellings the two hold.
 */
import { describe, expect, it } from "vitest";
import { circuitKeys, encodeProvider } from "../../../src/breaker/store/redis-keys.js";

describe("circuit keys", () => {
  it("keep plain names readable and percent-encode only '%', '{' and '}'", () => {
    expect(circuitKeys("app:", "openai:gpt-4o")).toEqual(["app:{openai:gpt-4o}:state", "app:{openai:gpt-4o}:window", "app:{openai:gpt-4o}:probe"]);
    expect(encodeProvider("x}:state:{y")).toBe("x%7D:state:%7By");
    expect(encodeProvider("100%{}")).toBe("100%25%7B%7D");
    expect(encodeProvider("we\"ird \\ *?[a] ✓ 名前 \n\u0000")).toBe("we\"ird \\ *?[a] ✓ 名前 \n\u0000");
  });

  it("the attack's two applications get different keys", () => {
    const a = circuitKeys("app:", "x}:state:{y");
    const b = circuitKeys("app:{x}:state:", "y");
    expect(a[0]).toBe("app:{x%7D:state:%7By}:state");
    expect(b[0]).toBe("app:{x}:state:{y}:state");
  });

  it("no two (prefix, provider) pairs built from brace-and-escape fragments share a key", () => {
    const parts = ["", "a", "{", "}", "%", "%7B", "%7D", "%25", ":state:", "}:state", "{x}", "}:state:{", "x}:state:{y"];
    const texts = new Set<string>();
    for (const x of parts) for (const y of parts) texts.add(x + y);
    const prefixes = [...texts].filter((t) => t.length > 0);
    const seen = new Map<string, string>();
    for (const prefix of prefixes) {
      for (const provider of texts) {
        const pair = JSON.stringify([prefix, provider]);
        for (const key of circuitKeys(prefix, provider)) {
          const other = seen.get(key);
          if (other !== undefined && other !== pair) throw new Error(`${pair} and ${other} share ${key}`);
          seen.set(key, pair);
        }
      }
    }
    expect(seen.size).toBe(prefixes.length * texts.size * 3);
  });

  it("the three keys of a provider share their cluster hash tag (first '{' to the next '}')", () => {
    const tag = (key: string) => {
      const open = key.indexOf("{");
      const close = open < 0 ? -1 : key.indexOf("}", open + 1);
      return close > open + 1 ? key.slice(open + 1, close) : key;
    };
    for (const [prefix, provider] of [["app:", "p"], ["app:{x}:", "p{q}"], ["a{b", "}"], ["plain:", "{}"]] as const) {
      const tags = circuitKeys(prefix, provider).map(tag);
      expect(new Set(tags).size, `${prefix} + ${provider}: ${tags.join(" | ")}`).toBe(1);
    }
  });
});
