/**
 * The Redis keys of one provider's circuit: `<keyPrefix>{<provider, encoded>}:state|window|probe`.
 * The provider name is written with `%`, `{` and `}` percent-encoded (`%25`, `%7B`, `%7D`), so the
 * encoded name holds no brace: the last `{` of a key is always the one the store put there, and a
 * key names exactly one (prefix, provider) pair. Without it, prefix `app:` with provider
 * `x}:state:{y` and prefix `app:{x}:state:` with provider `y` both made `app:{x}:state:{y}:state`,
 * and two applications shared a circuit (issue #20). Names without those three characters keep
 * their plain, readable key (`app:{openai:gpt-4o}:state`).
 *
 * Cluster hash tags: Redis Cluster hashes the text between the first `{` and the first `}` after
 * it. With a brace-free prefix that is the encoded provider (one slot per provider); with a
 * prefix holding a `{`, the tag comes from the prefix. Either way the three keys of one provider
 * share their text up to `}:` and so their slot, which the store's scripts need.
 */

/** The provider name as it appears between the braces of its keys (injective: `%` is encoded too). */
export function encodeProvider(provider: string): string {
  return provider.replace(/[%{}]/g, (c) => (c === "%" ? "%25" : c === "{" ? "%7B" : "%7D"));
}

/** The state hash, failure-rate window and probe lease keys of one provider. */
export function circuitKeys(keyPrefix: string, provider: string): readonly [string, string, string] {
  const base = `${keyPrefix}{${encodeProvider(provider)}}`;
  return [`${base}:state`, `${base}:window`, `${base}:probe`];
}
