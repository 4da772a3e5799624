// One prosumer's DER parameters and the model options, as zod schemas with documented units and
// defaults. A DER the prosumer lacks is simply absent (the optional objects). `parseProsumerParams`
// turns a raw object (from YAML, JSON or the CSV readers) into `ProsumerParams` and reports the
// first problem as a DerchainInputError naming file, prosumer and field.
//
// Checks that need the scenario's series (tOut range, horizon, slot length) are in
// model/validateScenario.ts (`checkScenario`).
import { z } from 'zod';
import { DerchainInputError, type DerchainInputErrorContext } from '../errors/inputError.js';
import { PLAUSIBLE, type PlausibleRange, rangeRule } from './plausibility.js';
import type { ModelOptions } from './scenario.js';

const nonNeg = () => z.number().finite().nonnegative();
const efficiency = () => z.number().finite().gt(0).lte(1);
/** a finite number within a plausibility range (model/plausibility.ts) */
const within = (r: PlausibleRange) => {
  const message = `implausible value; expected ${rangeRule(r)}`;
  return z.number().finite().min(r.min, { message }).max(r.max, { message });
};
const power = () => within(PLAUSIBLE.powerKW);
const energy = () => within(PLAUSIBLE.energyKWh);
const temperature = () => within(PLAUSIBLE.temperatureC);
const weight = () => within(PLAUSIBLE.weight);

/** Grid connection, constraint (1). */
export const GridParamsSchema = z.strictObject({
  /** PGmax: largest grid purchase, kW; default 10 kW (a 40-50 A single-phase service) */
  PGmax: power().default(10),
});

/**
 * HVAC, constraints (2)-(3): tIn[t] = tOut[t] - (tOut[t] - tIn[t-1]) * a + gamma * pAC,
 * a = exp(-dt / (R*C)).
 */
export const HvacParamsSchema = z
  .strictObject({
    /** R: thermal resistance between room and outside, degrees C per kW; default 2 */
    R: within(PLAUSIBLE.thermal).positive().default(2),
    /** C: thermal capacity of the room, kWh per degree C; default 2 (R*C = 4 h) */
    C: within(PLAUSIBLE.thermal).positive().default(2),
    /**
     * gamma: change of tIn per kW of HVAC electric power held over one slot, degrees C per kW;
     * < 0 cooling, > 0 heating; default -1.3 (cooling, COP about 3 with R = 2, a = 0.78)
     */
    gamma: within(PLAUSIBLE.gamma).default(-1.3),
    /** PACmax: largest HVAC electric power, kW; default 3 */
    PACmax: power().default(3),
    /** tRef: preferred indoor temperature, degrees C; default 23 */
    tRef: temperature().default(23),
    /** TACmin: lowest accepted indoor temperature, degrees C; default 20 */
    TACmin: temperature().default(20),
    /** TACmax: highest accepted indoor temperature, degrees C; default 26 */
    TACmax: temperature().default(26),
    /** tIn0: indoor temperature before the first slot, degrees C; default tRef */
    tIn0: temperature().optional(),
    /** wAC: discomfort weight, currency per (degree C)^2 per slot; default 0.05 */
    wAC: weight().default(0.05),
  })
  .superRefine((h, ctx) => {
    if (h.TACmin > h.TACmax) ctx.addIssue({ code: 'custom', path: ['TACmin'], message: `TACmin ${h.TACmin} exceeds TACmax ${h.TACmax}` });
    if (h.tRef < h.TACmin || h.tRef > h.TACmax)
      ctx.addIssue({ code: 'custom', path: ['tRef'], message: `tRef ${h.tRef} is outside the comfort band [${h.TACmin}, ${h.TACmax}]` });
    if (h.tIn0 !== undefined && (h.tIn0 < h.TACmin || h.tIn0 > h.TACmax))
      ctx.addIssue({ code: 'custom', path: ['tIn0'], message: `tIn0 ${h.tIn0} is outside the comfort band [${h.TACmin}, ${h.TACmax}]` });
  });

/**
 * Shiftable load, constraint (4). The window repeats every day: slots start..end-1 of each day
 * (slot of day = hour / dt from the slot's timestamp). The preferred profile PS is either given
 * per slot of the window (`profile`) or as `energy` spread evenly over the first `duration`
 * slots of the window. Energy is conserved per day's window.
 */
export const ShiftableParamsSchema = z
  .strictObject({
    /** start: first slot of the daily window (0-based slot of the day); default 17 (5 pm with dt = 1 h) */
    start: z.number().int().nonnegative().default(17),
    /** end: slot after the last slot of the window (exclusive), > start; default 23 */
    end: z.number().int().positive().default(23),
    /** profile: preferred load PS, kW per slot of the window (length end - start) */
    profile: z.array(power()).optional(),
    /** energy: preferred daily energy, kWh (used when profile is absent) */
    energy: energy().optional(),
    /** duration: slots the preferred run lasts from the window start; default 2 */
    duration: z.number().int().positive().default(2),
    /** PSmax: largest shiftable power, kW; default 2 */
    PSmax: power().default(2),
    /** wS: shifting discomfort weight, currency per kW^2 per slot; default 0.02 */
    wS: weight().default(0.02),
  })
  .superRefine((s, ctx) => {
    if (s.end <= s.start) ctx.addIssue({ code: 'custom', path: ['end'], message: `window end ${s.end} must exceed start ${s.start}` });
    const width = s.end - s.start;
    if (s.profile === undefined && s.energy === undefined)
      ctx.addIssue({ code: 'custom', path: ['profile'], message: 'give either a preferred profile or an energy' });
    if (s.profile !== undefined && s.energy !== undefined)
      ctx.addIssue({ code: 'custom', path: ['energy'], message: 'give either a preferred profile or an energy, not both' });
    if (s.profile !== undefined) {
      if (width > 0 && s.profile.length !== width)
        ctx.addIssue({ code: 'custom', path: ['profile'], message: `profile has ${s.profile.length} values, the window has ${width} slots` });
      s.profile.forEach((v, k) => {
        if (v > s.PSmax) ctx.addIssue({ code: 'custom', path: ['profile', k], message: `preferred ${v} kW exceeds PSmax ${s.PSmax} kW` });
      });
    } else if (width > 0 && s.duration > width) {
      ctx.addIssue({ code: 'custom', path: ['duration'], message: `duration ${s.duration} exceeds the window's ${width} slots` });
    }
  });

/** Battery, constraints (6)-(9). */
export const BatteryParamsSchema = z
  .strictObject({
    /** E: usable capacity, kWh; default 10 */
    E: energy().default(10),
    /** aMin: lowest level as a fraction of E; default 0.1 */
    aMin: z.number().finite().min(0).max(1).default(0.1),
    /** aMax: highest level as a fraction of E; default 0.95 */
    aMax: z.number().finite().min(0).max(1).default(0.95),
    /** PCHmax: largest charging power, kW; default 3.3 */
    PCHmax: power().default(3.3),
    /** PDISmax: largest discharging power, kW; default 3.3 */
    PDISmax: power().default(3.3),
    /** etaCH: charging efficiency in (0, 1]; default 0.95 */
    etaCH: efficiency().default(0.95),
    /** etaDIS: discharging efficiency in (0, 1]; default 0.95 */
    etaDIS: efficiency().default(0.95),
    /** e0: level before the first slot, fraction of E within [aMin, aMax]; default 0.5 */
    e0: z.number().finite().min(0).max(1).default(0.5),
    /** beta: degradation cost per kWh charged or discharged, currency/kWh; default 0.005 */
    beta: weight().default(0.005),
  })
  .superRefine((b, ctx) => {
    if (b.aMin > b.aMax) ctx.addIssue({ code: 'custom', path: ['aMin'], message: `aMin ${b.aMin} exceeds aMax ${b.aMax}` });
    if (b.e0 < b.aMin || b.e0 > b.aMax)
      ctx.addIssue({ code: 'custom', path: ['e0'], message: `e0 ${b.e0} is outside [aMin ${b.aMin}, aMax ${b.aMax}]` });
  });

/** Demand-response settings of the prosumer (baseline mode). */
export const DemandResponseParamsSchema = z.strictObject({
  /**
   * baseline: the import the prosumer is measured against in DR event slots, kW; either one value
   * per slot of the horizon or one per slot of the day (repeated). Absent: computed by
   * model/drBaseline.ts from the prosumer's uncoordinated import.
   */
  baseline: z.array(power()).optional(),
});

export const ProsumerParamsSchema = z.strictObject({
  grid: GridParamsSchema.prefault({}),
  hvac: HvacParamsSchema.optional(),
  shiftable: ShiftableParamsSchema.optional(),
  battery: BatteryParamsSchema.optional(),
  demandResponse: DemandResponseParamsSchema.optional(),
});

export type GridParams = z.output<typeof GridParamsSchema>;
export type HvacParams = z.output<typeof HvacParamsSchema>;
export type ShiftableParams = z.output<typeof ShiftableParamsSchema>;
export type BatteryParams = z.output<typeof BatteryParamsSchema>;
export type DemandResponseParams = z.output<typeof DemandResponseParamsSchema>;
/** One prosumer's DER parameters (absent object = the prosumer lacks that DER). */
export type ProsumerParams = z.output<typeof ProsumerParamsSchema>;
/** What a file may contain: every defaulted field may be omitted. */
export type ProsumerParamsInput = z.input<typeof ProsumerParamsSchema>;

/**
 * Default trade cost eps = 1e-4 currency/kW^2 per slot. With N prosumers the social optimum
 * pays eps/N * sum_i s_i^2 (model/tradeSplit.ts): for 10 homes trading 3 kW each for a day it is
 * about 0.002 currency against daily costs of tens of currency, i.e. 1e-4 relative (measured in
 * tests/model/tradeCost.test.ts); its marginal price at 3 kW (3e-4 currency/kWh) is a thousandth
 * of the energy price. It makes the pairwise split unique and costs ADMM nothing measurable.
 */
export const DEFAULT_TRADE_COST = 1e-4;

/** ModelOptions (model/scenario.ts) with their defaults. */
export const ModelOptionsSchema = z.strictObject({
  demandResponse: z.enum(['baseline', 'paper']).default('baseline'),
  hvacTiming: z.enum(['same-slot', 'paper']).default('same-slot'),
  tradeCost: nonNeg().default(DEFAULT_TRADE_COST),
  terminalEnergy: z.boolean().default(true),
});

// compile-time check that the schema and scenario.ts's interface agree
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const optionsAgree: Same<z.output<typeof ModelOptionsSchema>, ModelOptions> = true;
void optionsAgree;

function issueToError(error: z.ZodError, context: DerchainInputErrorContext, prefix: string): DerchainInputError {
  const issue = error.issues[0];
  const path = issue ? issue.path.map(String).join('.') : '';
  const field = prefix && path ? `${prefix}.${path}` : prefix || path || undefined;
  return new DerchainInputError(issue ? issue.message : error.message, { ...context, ...(field ? { field } : {}) });
}

/** Validate raw DER parameters; throws DerchainInputError naming file, prosumer and field. */
export function parseProsumerParams(raw: unknown, context: DerchainInputErrorContext = {}): ProsumerParams {
  const r = ProsumerParamsSchema.safeParse(raw ?? {});
  if (!r.success) throw issueToError(r.error, context, '');
  return r.data;
}

/** Validate raw model options (absent fields take their defaults). */
export function parseModelOptions(raw: unknown, context: DerchainInputErrorContext = {}): ModelOptions {
  const r = ModelOptionsSchema.safeParse(raw ?? {});
  if (!r.success) throw issueToError(r.error, context, 'options');
  return r.data;
}

/** The model options with every default. */
export function defaultModelOptions(): ModelOptions {
  return ModelOptionsSchema.parse({});
}
