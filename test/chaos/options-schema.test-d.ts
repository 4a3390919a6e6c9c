/**
 * The zod schemas are the source of truth of the chaos APIs' options; the documented
 * interfaces must describe exactly the same keys, and every value a schema accepts must
 * type-check as the interface.
 */
import { expectTypeOf, test } from "vitest";
import type { z } from "zod";
import type {
  AdoptionAgentOptions,
  CampaignOptions,
  CascadeGraphOptions,
  ConsistencyOptions,
  EpidemicOptions,
  FaultPlan,
  FormatCampaignOptions,
  InjectFaultsOptions,
  MeasureInfectionOptions,
  ProviderFaultsOptions,
  RenderSvgOptions,
  ScriptedJudgeOptions,
} from "../../src/chaos/index.js";
import {
  AdoptionAgentOptionsSchema,
  CampaignOptionsSchema,
  CascadeGraphOptionsSchema,
  ConsistencyOptionsSchema,
  EpidemicOptionsSchema,
  FaultPlanSchema,
  FormatCampaignOptionsSchema,
  InjectFaultsOptionsSchema,
  MeasureInfectionOptionsSchema,
  ProviderFaultsOptionsSchema,
  RenderSvgOptionsSchema,
  ScriptedJudgeOptionsSchema,
} from "../../src/chaos/chaos-options.js";

test("every chaos options interface has exactly its schema's keys", () => {
  expectTypeOf<keyof z.output<typeof FaultPlanSchema>>().toEqualTypeOf<keyof FaultPlan>();
  expectTypeOf<z.output<typeof FaultPlanSchema>>().toExtend<FaultPlan>();
  expectTypeOf<keyof z.output<typeof InjectFaultsOptionsSchema>>().toEqualTypeOf<keyof InjectFaultsOptions>();
  expectTypeOf<keyof z.output<typeof ProviderFaultsOptionsSchema>>().toEqualTypeOf<keyof ProviderFaultsOptions>();
  expectTypeOf<z.output<typeof ProviderFaultsOptionsSchema>>().toExtend<ProviderFaultsOptions>();
  expectTypeOf<keyof z.output<typeof MeasureInfectionOptionsSchema>>().toEqualTypeOf<keyof MeasureInfectionOptions>();
  expectTypeOf<z.output<typeof MeasureInfectionOptionsSchema>>().toExtend<MeasureInfectionOptions>();
  expectTypeOf<keyof z.output<typeof EpidemicOptionsSchema>>().toEqualTypeOf<keyof EpidemicOptions>();
  expectTypeOf<z.output<typeof EpidemicOptionsSchema>>().toExtend<EpidemicOptions>();
  expectTypeOf<keyof z.output<typeof AdoptionAgentOptionsSchema>>().toEqualTypeOf<keyof AdoptionAgentOptions>();
  expectTypeOf<z.output<typeof AdoptionAgentOptionsSchema>>().toExtend<AdoptionAgentOptions>();
  expectTypeOf<keyof z.output<typeof CascadeGraphOptionsSchema>>().toEqualTypeOf<keyof CascadeGraphOptions>();
  expectTypeOf<keyof z.output<typeof ScriptedJudgeOptionsSchema>>().toEqualTypeOf<keyof ScriptedJudgeOptions>();
  expectTypeOf<z.output<typeof ScriptedJudgeOptionsSchema>>().toExtend<ScriptedJudgeOptions>();
  expectTypeOf<keyof z.output<typeof ConsistencyOptionsSchema>>().toEqualTypeOf<keyof ConsistencyOptions>();
  expectTypeOf<keyof z.output<typeof FormatCampaignOptionsSchema>>().toEqualTypeOf<keyof FormatCampaignOptions>();
  expectTypeOf<z.output<typeof FormatCampaignOptionsSchema>>().toExtend<FormatCampaignOptions>();
  expectTypeOf<keyof z.output<typeof RenderSvgOptionsSchema>>().toEqualTypeOf<keyof RenderSvgOptions>();
  expectTypeOf<keyof z.output<typeof CampaignOptionsSchema>>().toEqualTypeOf<keyof CampaignOptions>();
});
