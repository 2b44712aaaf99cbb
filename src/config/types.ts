/**
 * The typed configuration each command runs with: what `resolveConfig` returns after merging
 * flags (or action inputs), quantgate.yml and defaults, and validating every value.
 *
 * Computed from the option table (src/config/options.ts), not written again: an option's field
 * has its schema's output type, and is required where the option has a default or the command
 * cannot run without it. test/types/config-types.ts pins the result.
 */
import type { ActionOnlyOption, CommandName, FieldsOf, OptionsOf, METHODS, PLACEMENTS, MODES, PREPROCESS, PROVIDERS, RUNTIMES, TARGET_CPUS, COMMENT_MODES, BASELINE_SOURCES } from './options.js';

export type Runtime = (typeof RUNTIMES)[number];
export type Provider = (typeof PROVIDERS)[number];
export type Method = (typeof METHODS)[number];
export type Placement = (typeof PLACEMENTS)[number];
export type QuantizeMode = (typeof MODES)[number];
export type TargetCpu = (typeof TARGET_CPUS)[number];
export type Preprocess = (typeof PREPROCESS)[number];
export type CommentMode = (typeof COMMENT_MODES)[number];
export type BaselineSource = (typeof BASELINE_SOURCES)[number];

/**
 * Where each value came from, by config field: `--threads`, `input 'threads'`,
 * `/repo/quantgate.yml: threads` or `default`. Messages name an option the way it was given.
 */
export type Sources = Record<string, string>;

/** A command's config: its options' fields, and where each value came from. */
export type ConfigOf<C extends CommandName> = FieldsOf<OptionsOf<C>, C> & { sources: Sources };

export type RunConfig = ConfigOf<'run'>;
export type QuantizeConfig = ConfigOf<'quantize'>;
export type InspectConfig = ConfigOf<'inspect'>;
export type CompareConfig = ConfigOf<'compare'>;
export type DemoConfig = ConfigOf<'demo'>;
export type DoctorConfig = ConfigOf<'doctor'>;
export type CommentConfig = ConfigOf<'comment'>;
export type AggregateConfig = ConfigOf<'aggregate'>;

export type ConfigByCommand = { [C in CommandName]: ConfigOf<C> };

/**
 * What calibration and quantization need, shared by `run` and `quantize`: the options both
 * commands take, less the model, the output folder and --json.
 */
export type QuantizeSettings = Omit<FieldsOf<Extract<OptionsOf<'run'>, OptionsOf<'quantize'>>, 'quantize'>, 'model' | 'out' | 'json' | 'calibrationSamples'>;

/**
 * The action's own inputs (scope 'action' in the table), read and validated once by
 * src/github/inputs.ts. Paths are absolute.
 */
export type ActionConfig = FieldsOf<ActionOnlyOption>;
