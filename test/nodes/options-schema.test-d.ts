/**
 * The zod schemas are the source of truth of the options of the nodes; the documented
 * interfaces (with their JSDoc and @default) must describe exactly the same keys, and every
 * value a schema accepts must type-check as the interface.
 */
import { expectTypeOf, test } from "vitest";
import type { z } from "zod";
import { BicrGuardOptionsSchema, GuardNodeOptionsSchema } from "../../nodes/bicr/guard-options.js";
import type { GuardNodeOptions } from "../../nodes/bicr/guard-node.js";
import type { BicrGuardOptions } from "../../nodes/bicr/guard-types.js";
import { ChallengerOptionsSchema } from "../../nodes/challenger/challenger-options.js";
import type { ChallengerOptions } from "../../nodes/challenger/create-challenger.js";
import { SupervisorWorkerOptionsSchema, WorkerSpecSchema, type SupervisorWorkerOptions, type WorkerSpec } from "../../nodes/supervisor-worker.js";

test("every node options interface has exactly its schema's keys, and accepts what the schema outputs", () => {
  expectTypeOf<keyof z.output<typeof ChallengerOptionsSchema>>().toEqualTypeOf<keyof ChallengerOptions>();
  expectTypeOf<z.output<typeof ChallengerOptionsSchema>>().toExtend<ChallengerOptions>();
  expectTypeOf<keyof z.output<typeof BicrGuardOptionsSchema>>().toEqualTypeOf<keyof BicrGuardOptions>();
  expectTypeOf<z.output<typeof BicrGuardOptionsSchema>>().toExtend<BicrGuardOptions>();
  expectTypeOf<keyof z.output<typeof GuardNodeOptionsSchema>>().toEqualTypeOf<keyof GuardNodeOptions>();
  expectTypeOf<z.output<typeof GuardNodeOptionsSchema>>().toExtend<GuardNodeOptions>();
  expectTypeOf<keyof z.output<typeof SupervisorWorkerOptionsSchema>>().toEqualTypeOf<keyof SupervisorWorkerOptions>();
  expectTypeOf<z.output<typeof SupervisorWorkerOptionsSchema>>().toExtend<SupervisorWorkerOptions>();
  expectTypeOf<keyof z.output<typeof WorkerSpecSchema>>().toEqualTypeOf<keyof WorkerSpec>();
});
