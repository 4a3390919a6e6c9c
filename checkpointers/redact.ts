/**
 * Secrets never leave the checkpointers in a message, `describe()`, `url` or a log line:
 * a PostgreSQL URL can carry its password as `user:password@` or as a `?password=` query
 * parameter (pg accepts both), and `PGPASSWORD` may hold one too.
 */

const MASK = "***";
/** Query parameters pg (and libpq) read a secret from. */
const SECRET_PARAMS = /^(password|pass|pwd|sslpassword|sslkey|passfile)$/i;

/**
 * The URL with every secret replaced by `***`: the password of `user:password@` and the
 * values of `password`, `sslpassword`, `sslkey` and similar query parameters. A string that
 * does not parse as a URL is reduced to `(unparsable URL)`: it may be a password itself.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "(unparsable URL)";
  }
  if (parsed.password) parsed.password = MASK;
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAMS.test(key)) parsed.searchParams.set(key, MASK);
  }
  // URLSearchParams encodes "*" as %2A; keep the mask readable.
  return parsed.toString().replaceAll("%2A%2A%2A", MASK);
}

/** The secrets a URL (and the environment) carry, decoded and raw, longest first. */
export function secretsOf(url: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const found = new Set<string>();
  const add = (value: string | null | undefined) => {
    if (!value) return;
    found.add(value);
    try {
      found.add(decodeURIComponent(value));
    } catch {
      // not percent-encoded: the raw value is already in the set
    }
  };
  if (url) {
    try {
      const parsed = new URL(url);
      add(parsed.password);
      for (const [key, value] of parsed.searchParams) if (SECRET_PARAMS.test(key)) add(value);
    } catch {
      // unparsable: callers print redactUrl(url) instead of the URL
    }
  }
  add(env["PGPASSWORD"]);
  // A one-character "secret" would mask every occurrence of that letter; such passwords are
  // still never printed by us, since we print only redacted URLs.
  return [...found].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
}

/** `text` with every secret of `url` and `PGPASSWORD` replaced by `***`. */
export function redactText(text: string, url: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  let out = text;
  for (const secret of secretsOf(url, env)) out = out.split(secret).join(MASK);
  return out;
}
