/**
 * Filesystem faults of the embedded data directory are reported as what they are, never as
 * a "damaged" database to move away. Permission cases run the checkpointer in a child process
 * as the unprivileged `postgres` OS user: root would bypass the permissions under test.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createCheckpointer, isCheckpointerError } from "../../checkpointers/index.js";
import { toFsCheckpointerError } from "../../checkpointers/fs-errors.js";

const fsChild = fileURLToPath(new URL("./fixtures/fs-child.ts", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "firebreak-fs-"));
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function postgresUid(): number | undefined {
  try {
    return Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  } catch {
    return undefined;
  }
}
const uid = postgresUid();
const canDropPrivileges = process.getuid?.() === 0 && uid !== undefined;

/** Opens `dataDir` in a child process running as `postgres`; returns its one line. */
function openAsPostgres(dataDir: string): string {
  const r = spawnSync("runuser", ["-u", "postgres", "--", process.execPath, "--import", "tsx", fsChild], {
    env: { ...process.env, HOME: tmpdir(), FB_OPTIONS: JSON.stringify({ backend: "embedded", dataDir }) },
    encoding: "utf8",
    timeout: 60_000,
  });
  return `${r.stdout}${r.stderr}`.trim();
}

describe.skipIf(!canDropPrivileges)("permissions (as the postgres OS user)", () => {
  it("a directory the user may not write to is permission denied, with what to do", () => {
    const parent = join(root, "not-mine");
    mkdirSync(parent, { mode: 0o755 });
    const line = openAsPostgres(join(parent, "pglite"));
    expect(line).toMatch(/^ERROR CHECKPOINTER_SETUP permission-denied /);
    expect(line).toContain("permission denied (EACCES)");
    expect(line).toContain("chown/chmod");
    expect(line).not.toMatch(/damaged|move it away/);
  });

  it("an existing database the user may read but not write is permission denied, not damaged", async () => {
    const parent = join(root, "read-only");
    mkdirSync(parent, { mode: 0o755 });
    const dataDir = join(parent, "pglite");
    const cp = await createCheckpointer({ backend: "embedded", dataDir }); // created by root
    await cp.close();
    chownSync(parent, uid!, 0); // the lock file next to it can be written; the database cannot
    const line = openAsPostgres(dataDir);
    expect(line).toMatch(/^ERROR CHECKPOINTER_SETUP permission-denied /);
    expect(line).not.toMatch(/damaged|move it away|another PGlite version/);
  }, 90_000);
});

describe("paths and full disks", () => {
  it("a data directory under a regular file is reported as a bad path (not-found)", async () => {
    const file = join(root, "a-file");
    writeFileSync(file, "x");
    const error = await createCheckpointer({ backend: "embedded", dataDir: join(file, "pglite") }).catch((e: unknown) => e);
    expect(isCheckpointerError(error, "CHECKPOINTER_SETUP")).toBe(true);
    expect((error as { reason?: string }).reason).toBe("not-found");
    expect((error as Error).message).toContain("is a file, not a directory (ENOTDIR");
  });

  it("a full disk (Node's ENOSPC, or PGlite's errno 51) is disk-full and says the data is intact", () => {
    const nodeError = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", path: "/data/pglite/base/1" });
    const mapped = toFsCheckpointerError(nodeError, "/data/pglite", "Writing");
    expect(mapped?.reason).toBe("disk-full");
    expect(mapped?.message).toContain("no space left on the device (ENOSPC on /data/pglite/base/1)");
    expect(mapped?.message).toContain("do not delete it");
    const pgliteError = Object.assign(new Error("FS error"), { name: "ErrnoError", errno: 51 });
    expect(toFsCheckpointerError(pgliteError, "/d", "Opening")?.reason).toBe("disk-full");
    expect(toFsCheckpointerError(new Error("syntax error"), "/d", "Opening")).toBeUndefined();
  });
});
