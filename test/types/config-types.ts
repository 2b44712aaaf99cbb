// Type-level tests of the config types computed from the option table (src/config/types.ts).
// Nothing runs here: `tsc --noEmit` (the first step of `npm test`) fails when a type drifts.
import type { ActionConfig, CompareConfig, DemoConfig, InspectConfig, QuantizeConfig, QuantizeSettings, RunConfig } from '../../src/config/types.ts';
import type { OptionKey } from '../../src/config/options.ts';

/** True only when A and B are the same type (not merely assignable either way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
type OptionalKeys<T> = Exclude<keyof T, RequiredKeys<T>>;

export type Tests = [
  // Every field of `run`, and which are required: defaults, and the model (a run needs one).
  Expect<
    Equal<
      RequiredKeys<RunConfig>,
      | 'model'
      | 'inputShapes'
      | 'runtimes'
      | 'providers'
      | 'batchSizes'
      | 'warmupMs'
      | 'minIterations'
      | 'minTimeMs'
      | 'method'
      | 'percentile'
      | 'exclude'
      | 'seed'
      | 'randomIntRange'
      | 'calibrationSamples'
      | 'targetCpu'
      | 'mode'
      | 'maxAccuracyDrop'
      | 'out'
      | 'json'
      | 'sources'
    >
  >,
  Expect<
    Equal<
      OptionalKeys<RunConfig>,
      | 'calibrationData'
      | 'evalData'
      | 'labels'
      | 'preprocess'
      | 'threads'
      | 'placement'
      | 'accuracyBudget'
      | 'output'
      | 'baseline'
      | 'baselineModel'
      | 'maxDisagreement'
      | 'maxLatencyRegression'
      | 'exportCommand'
    >
  >,
  // Field types are the schemas' outputs.
  Expect<Equal<RunConfig['batchSizes'], number[]>>,
  Expect<Equal<RunConfig['runtimes'], 'auto' | ('onnxruntime' | 'tensorrt')[]>>,
  Expect<Equal<RunConfig['providers'], 'auto' | ('cpu' | 'cuda' | 'tensorrt')[]>>,
  Expect<Equal<RunConfig['inputShapes'], Record<string, number[]>>>,
  Expect<Equal<RunConfig['randomIntRange'], [number, number]>>,
  Expect<Equal<RunConfig['method'], 'entropy' | 'minmax' | 'percentile'>>,
  Expect<Equal<RunConfig['threads'], number | undefined>>,
  Expect<Equal<RunConfig['json'], boolean>>,
  // Each command gets only its own options.
  Expect<Equal<keyof InspectConfig, 'model' | 'nodes' | 'json' | 'sources'>>,
  Expect<Equal<keyof CompareConfig, 'maxAccuracyDrop' | 'maxLatencyRegression' | 'json' | 'sources'>>,
  Expect<Equal<keyof DemoConfig, 'out' | 'sources'>>,
  Expect<Equal<OptionalKeys<QuantizeConfig>, 'calibrationData' | 'preprocess' | 'threads' | 'placement' | 'ranges'>>,
  Expect<Equal<QuantizeConfig['calibrationSamples'], number>>,
  // What quantize and run share, less model, out, json and the calibration sample cap (the data stage's).
  Expect<
    Equal<
      keyof QuantizeSettings,
      'calibrationData' | 'preprocess' | 'inputShapes' | 'threads' | 'method' | 'percentile' | 'exclude' | 'seed' | 'randomIntRange' | 'targetCpu' | 'placement' | 'mode'
    >
  >,
  // The action's own inputs: typed, and in no command's config.
  Expect<Equal<RequiredKeys<ActionConfig>, 'workingDirectory' | 'comment' | 'uploadEngines' | 'allowForkPrs' | 'commentAuthor'>>,
  Expect<
    Equal<OptionalKeys<ActionConfig>, 'config' | 'githubToken' | 'commentKey' | 'baselineFrom' | 'baselineWorkflow' | 'artifactName' | 'retentionDays'>
  >,
  Expect<Equal<ActionConfig['comment'], 'always' | 'on-change' | 'never'>>,
  Expect<Equal<ActionConfig['baselineFrom'], 'artifact' | 'base-ref' | 'none' | undefined>>,
  Expect<Equal<ActionConfig['retentionDays'], number | undefined>>,
  Expect<Equal<ActionConfig['allowForkPrs'], boolean>>,
  Expect<Equal<Extract<keyof RunConfig, 'githubToken' | 'comment'>, never>>,
  // Messages can name only the table's keys.
  Expect<Equal<Extract<OptionKey, 'eval-data' | 'github-token' | 'json'>, 'eval-data' | 'github-token' | 'json'>>,
  Expect<Equal<Extract<OptionKey, 'evaldata'>, never>>,
];
