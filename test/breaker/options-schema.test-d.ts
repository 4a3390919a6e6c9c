/**
 * The zod schemas are the source of truth of the options; the documented interfaces (with
 * their JSDoc and @default) must describe exactly the same keys, and every value a schema
 * accepts must type-check as the interface.
 */
import { expectTypeOf, test } from "vitest";
import type { z } from "zod";
import type { BreakerMiddlewareOptions } from "../../src/breaker/middleware.js";
import { BreakerMiddlewareOptionsSchema, ProviderOptionsSchema, RetryOptionsSchema, SemanticBreakerOptionsSchema } from "../../src/breaker/options-schema.js";
import type { ProviderOptions, SemanticBreakerOptions } from "../../src/breaker/options.js";
import type { RetryOptions } from "../../src/breaker/semantic-breaker.js";
import { CoherenceOptionsSchema } from "../../src/breaker/checks/coherence.js";
import { ConfidenceFloorOptionsSchema } from "../../src/breaker/checks/confidence-floor.js";
import { HashedNgramEmbeddingsOptionsSchema } from "../../src/breaker/checks/hashed-embeddings.js";
import { NonEmptyOptionsSchema } from "../../src/breaker/checks/non-empty.js";
import { RefusalOptionsSchema } from "../../src/breaker/checks/refusal.js";
import { RepetitionOptionsSchema } from "../../src/breaker/checks/repetition.js";
import { SchemaCheckOptionsSchema } from "../../src/breaker/checks/schema.js";
import type {
  CoherenceOptions,
  ConfidenceFloorOptions,
  HashedNgramEmbeddingsOptions,
  NonEmptyOptions,
  RefusalOptions,
  RepetitionOptions,
  SchemaCheckOptions,
} from "../../src/index.js";

test("every options interface has exactly its schema's keys, and accepts what the schema outputs", () => {
  expectTypeOf<keyof z.output<typeof SemanticBreakerOptionsSchema>>().toEqualTypeOf<keyof SemanticBreakerOptions>();
  expectTypeOf<z.output<typeof SemanticBreakerOptionsSchema>>().toExtend<SemanticBreakerOptions>();
  expectTypeOf<keyof z.output<typeof BreakerMiddlewareOptionsSchema>>().toEqualTypeOf<keyof BreakerMiddlewareOptions>();
  expectTypeOf<keyof z.output<typeof ProviderOptionsSchema>>().toEqualTypeOf<keyof ProviderOptions>();
  expectTypeOf<z.output<typeof ProviderOptionsSchema>>().toExtend<ProviderOptions>();
  expectTypeOf<keyof z.output<typeof RetryOptionsSchema>>().toEqualTypeOf<keyof RetryOptions>();
  expectTypeOf<z.output<typeof RetryOptionsSchema>>().toExtend<RetryOptions>();
  expectTypeOf<keyof z.output<typeof NonEmptyOptionsSchema>>().toEqualTypeOf<keyof NonEmptyOptions>();
  expectTypeOf<z.output<typeof NonEmptyOptionsSchema>>().toExtend<NonEmptyOptions>();
  expectTypeOf<keyof z.output<typeof RepetitionOptionsSchema>>().toEqualTypeOf<keyof RepetitionOptions>();
  expectTypeOf<z.output<typeof RepetitionOptionsSchema>>().toExtend<RepetitionOptions>();
  expectTypeOf<keyof z.output<typeof RefusalOptionsSchema>>().toEqualTypeOf<keyof RefusalOptions>();
  expectTypeOf<z.output<typeof RefusalOptionsSchema>>().toExtend<RefusalOptions>();
  expectTypeOf<keyof z.output<typeof ConfidenceFloorOptionsSchema>>().toEqualTypeOf<keyof ConfidenceFloorOptions>();
  expectTypeOf<z.output<typeof ConfidenceFloorOptionsSchema>>().toExtend<ConfidenceFloorOptions>();
  expectTypeOf<keyof z.output<typeof SchemaCheckOptionsSchema>>().toEqualTypeOf<keyof SchemaCheckOptions>();
  expectTypeOf<z.output<typeof SchemaCheckOptionsSchema>>().toExtend<SchemaCheckOptions>();
  expectTypeOf<keyof z.output<typeof CoherenceOptionsSchema>>().toEqualTypeOf<keyof CoherenceOptions>();
  expectTypeOf<z.output<typeof CoherenceOptionsSchema>>().toExtend<CoherenceOptions>();
  expectTypeOf<keyof z.output<typeof HashedNgramEmbeddingsOptionsSchema>>().toEqualTypeOf<keyof HashedNgramEmbeddingsOptions>();
  expectTypeOf<z.output<typeof HashedNgramEmbeddingsOptionsSchema>>().toExtend<HashedNgramEmbeddingsOptions>();
});
