// Preload for a child process: appends every module URL the process resolves to the file
// named by FIREBREAK_LOAD_LOG, so a test can tell which packages an import pulled in.
import { register } from "node:module";

const hook = `
import { appendFileSync } from "node:fs";
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(log, result.url + "\\n");
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`, import.meta.url, {
  data: { log: process.env.FIREBREAK_LOAD_LOG },
});
