/** An error shaped like the openai SDK's HTTP errors (`status`, `headers`), for a scripted reply's `error`. */
export function httpError(status: number, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(`${status} scripted`), { status, headers: new Headers(headers) });
}
