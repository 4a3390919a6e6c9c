// Loads worker.ts through tsx inside a worker thread (Node 20 does not apply --import hooks to a worker's entry).
import { tsImport } from "tsx/esm/api";
await tsImport("./worker.ts", import.meta.url);
