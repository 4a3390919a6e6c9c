/**
 * The zod schema is the source of truth of setupTracing's options; the documented interfaces
 * must describe exactly the same keys, and every value the schema accepts must type-check.
 */
import { expectTypeOf, test } from "vitest";
import type { z } from "zod";
import type { LangfuseTracingOptions, OtlpTracingOptions, TracingOptions } from "../../src/tracing/index.js";
import { LangfuseTracingOptionsSchema, OtlpTracingOptionsSchema, TracingOptionsSchema } from "../../src/tracing/tracing-options.js";

test("setupTracing's options interfaces have exactly their schemas' keys", () => {
  expectTypeOf<keyof z.output<typeof TracingOptionsSchema>>().toEqualTypeOf<keyof TracingOptions>();
  expectTypeOf<z.output<typeof TracingOptionsSchema>>().toExtend<TracingOptions>();
  expectTypeOf<keyof z.output<typeof OtlpTracingOptionsSchema>>().toEqualTypeOf<keyof OtlpTracingOptions>();
  expectTypeOf<z.output<typeof OtlpTracingOptionsSchema>>().toExtend<OtlpTracingOptions>();
  expectTypeOf<keyof z.output<typeof LangfuseTracingOptionsSchema>>().toEqualTypeOf<keyof LangfuseTracingOptions>();
  expectTypeOf<z.output<typeof LangfuseTracingOptionsSchema>>().toExtend<LangfuseTracingOptions>();
});
