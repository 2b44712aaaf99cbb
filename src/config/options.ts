/**
 * Every option of quantgate, defined once. The CLI's flags, the action's inputs, the keys of
 * `quantgate.yml`, its JSON Schema, the README's tables and the config types of src/config/types.ts
 * are all generated from this table, so they cannot drift: adding an option is one edit here.
 *
 * Each option's schema accepts the value as a string (how flags and action inputs arrive) and,
 * where it is natural, the YAML form (a list, a number, a mapping), and turns both into one typed
 * value. `allowed` is what error messages and the docs say is allowed.
 */
import { z } from 'zod';
import { msg, OptionRef, type Text } from '../message.js';

export type CommandName = 'run' | 'quantize' | 'inspect' | 'compare' | 'demo' | 'doctor' | 'comment' | 'aggregate';

/**
 * Where an option can be set.
 * - `all` (the default): a flag of its commands, a key of quantgate.yml, and, for `run`'s
 *   options, an input of the action.
 * - `cli`: only a flag (how one invocation prints, e.g. `--json`).
 * - `action`: an input of the action: its plumbing, and what decides safety or identity
 *   (the token, fork pull requests, where the comment goes). quantgate.yml cannot set these: a
 *   pull request controls that file. Of the commands, only the posting ones (`comment`,
 *   `aggregate`, which read no quantgate.yml) take some of them as flags.
 */
export type OptionScope = 'all' | 'cli' | 'action';

export interface OptionSpec<S extends z.ZodType = z.ZodType> {
  /** The key in quantgate.yml and the action input; the flag is `--${key}`. */
  key: string;
  /** Placeholder shown in --help (`<path>`); absent for booleans. */
  arg?: string;
  /** Options it names are rendered in each place's words (`--preprocess`, `input 'preprocess'`). */
  description: Text;
  allowed: string;
  schema: S;
  /** The default, in its typed form; absent when the option has none. */
  default?: z.output<S>;
  /** How the default reads in --help and docs when it is computed at run time. */
  defaultText?: string;
  /** action.yml's default when GitHub itself must fill it in (an expression like `${{ github.token }}`). */
  actionDefault?: string;
  /** The value as it is written on the command line, where joining a list with ',' is wrong. */
  format?(value: z.output<S>): string;
  /** Commands that take it. Action-only options belong to no command. */
  commands: readonly CommandName[];
  /** Commands that cannot run without it (from a flag, an input or quantgate.yml). */
  requiredFor?: readonly CommandName[];
  /** An example value, for the message that says it is missing. */
  example?: string;
  scope?: OptionScope;
  /** Paths are resolved against the file that named them, or the working directory. */
  isPath?: boolean;
  /** Given several times on the command line (`--exclude A --exclude B`); one per line as an input. */
  repeatable?: boolean;
  boolean?: boolean;
  /** Never echoed in messages (a token). */
  secret?: boolean;
}

const RUN_QUANTIZE = ['run', 'quantize'] as const;

/**
 * An option named in a description. Not `opt` from src/message.ts: its key type comes from this
 * very table, which cannot refer to itself; test/unit/config-options.test.ts checks the keys.
 */
const mention = (key: string): OptionRef => new OptionRef(key);

/** Splits "a,b , c" into ["a","b","c"]; lists from YAML pass through. */
function listOf<T>(item: z.ZodType<T>, what: string) {
  const items = z.array(item as z.ZodType<T, string | number>).min(1, { error: `give at least one ${what}` });
  return z
    .union([z.string(), z.array(z.union([z.string(), z.number()])), z.number()])
    .transform((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : Array.isArray(v) ? v : [v]))
    .pipe(items);
}

const positiveInt = (what: string, max: number) =>
  z.coerce
    .number({ error: `each ${what} must be a whole number` })
    .int({ error: `each ${what} must be a whole number` })
    .min(1, { error: `each ${what} must be at least 1` })
    .max(max, { error: `each ${what} must be at most ${max}` });

const numberIn = (what: string, min: number, max: number, exclusiveMin = false) =>
  z
    .union([z.number(), z.string().trim().regex(/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/, { error: `${what} must be a number` })])
    .transform(Number)
    .pipe(
      (exclusiveMin ? z.number().gt(min, { error: `${what} must be above ${min}` }) : z.number().min(min, { error: `${what} must be at least ${min}` })).max(max, {
        error: `${what} must be at most ${max}`,
      }),
    );

const wholeNumber = (what: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${what} must be a whole number` })
    .int({ error: `${what} must be a whole number` })
    .min(min, { error: `${what} must be at least ${min}` })
    .max(max, { error: `${what} must be at most ${max}` });

const bool = z.union([z.boolean(), z.enum(['true', 'false', ''], { error: 'expected true or false' }).transform((v) => v === 'true')]);

const pathValue = z.string().trim().min(1, { error: 'the path is empty' });

const text = (what: string) => z.string().trim().min(1, { error: `${what} is empty` });

/** "input:1x3x224x224,mask:1x128" or a YAML mapping {input: [1,3,224,224]}. */
const inputShapes = z
  .union([z.string(), z.record(z.string(), z.union([z.string(), z.array(z.number())]))])
  .transform((value, ctx) => {
    const entries: [string, string | number[]][] =
      typeof value === 'string'
        ? value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
            .map((item) => {
              // Names may contain ':' (TensorFlow's "input:0"), so split at the last one.
              const at = item.lastIndexOf(':');
              return [at > 0 ? item.slice(0, at) : '', at > 0 ? item.slice(at + 1) : item];
            })
        : Object.entries(value);
    const shapes: Record<string, number[]> = {};
    for (const [name, dims] of entries) {
      const list = typeof dims === 'string' ? dims.split(/[x×]/).map((d) => Number(d.trim())) : dims;
      if (!name || list.length === 0 || list.some((d) => !Number.isInteger(d) || d < 1)) {
        ctx.addIssue({ code: 'custom', message: `'${name ? `${name}:` : ''}${String(dims)}' is not NAME:DIMS with positive whole dims` });
        return z.NEVER;
      }
      shapes[name] = list;
    }
    return shapes;
  });

const excludePattern = z
  .string()
  .trim()
  .min(1, { error: 'an exclusion pattern is empty' })
  .superRefine((pattern, ctx) => {
    if (pattern.startsWith('op:') && pattern.length === 3) ctx.addIssue({ code: 'custom', message: "'op:' needs an op type after it, e.g. op:Softmax" });
    if (pattern.startsWith('re:')) {
      try {
        new RegExp(pattern.slice(3));
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `'${pattern}' is not a valid regular expression (${(error as Error).message})` });
      }
    }
  });

export const RUNTIMES = ['onnxruntime', 'tensorrt'] as const;
export const PROVIDERS = ['cpu', 'cuda', 'tensorrt'] as const;
export const METHODS = ['entropy', 'minmax', 'percentile'] as const;
export const TARGET_CPUS = ['auto', 'avx2', 'vnni', 'arm64'] as const;
export const PREPROCESS = ['imagenet'] as const;
export const COMMENT_MODES = ['always', 'on-change', 'never'] as const;
export const BASELINE_SOURCES = ['artifact', 'base-ref', 'none'] as const;
export const PLACEMENTS = ['rules', 'auto'] as const;
export const MODES = ['static', 'dynamic'] as const;

const autoOr = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.union([
    z.literal('auto'),
    listOf(z.enum(values, { error: `each ${what} must be one of ${values.join(', ')}` }), what).transform((l) => [...new Set(l)]),
  ]);

/** The table, with every entry's literal types: the config types are computed from it. */
export const OPTION_TABLE = [
  {
    key: 'model',
    arg: '<path>',
    description: 'The ONNX model to check (the pull request\'s version).',
    allowed: 'a path to an .onnx file',
    schema: pathValue,
    commands: ['run', 'quantize', 'inspect'],
    requiredFor: ['run', 'quantize', 'inspect'],
    example: 'models/resnet50.onnx',
    isPath: true,
  },
  {
    key: 'calibration-data',
    arg: '<path>',
    description: msg`Calibration samples: a folder of .npy files, an .npz keyed by input name, or a folder of images with ${mention('preprocess')}.`,
    allowed: 'a path to a folder or an .npz file',
    schema: pathValue,
    commands: RUN_QUANTIZE,
    isPath: true,
  },
  {
    key: 'calibration-samples',
    arg: '<n>',
    description: msg`Calibrate on at most this many samples, the first ones of ${mention('calibration-data')} in its order.`,
    allowed: 'a whole number from 1 to 10000000',
    schema: positiveInt('calibration sample count', 10_000_000),
    default: 1024,
    commands: RUN_QUANTIZE,
  },
  {
    key: 'eval-data',
    arg: '<path>',
    description: msg`Evaluation samples, in the same forms as ${mention('calibration-data')}. Without it, the calibration data is scored for fidelity only.`,
    allowed: 'a path to a folder or an .npz file',
    schema: pathValue,
    commands: ['run'],
    isPath: true,
  },
  {
    key: 'labels',
    arg: '<path>',
    description: 'Labels of the evaluation samples, in order: a .npy of integers or a text file with one integer a line.',
    allowed: 'a path to a .npy or text file',
    schema: pathValue,
    commands: ['run'],
    isPath: true,
  },
  {
    key: 'preprocess',
    arg: '<preset>',
    description: 'Preprocessing for image folders: imagenet = resize 256, centre-crop 224, ImageNet mean/std, NCHW.',
    allowed: PREPROCESS.join(', '),
    schema: z.enum(PREPROCESS, { error: `the preset must be one of ${PREPROCESS.join(', ')}` }),
    commands: RUN_QUANTIZE,
  },
  {
    key: 'input-shapes',
    arg: '<shapes>',
    description: 'Sizes for symbolic dimensions other than batch, per input.',
    allowed: 'NAME:DIMS pairs separated by commas, e.g. input:1x3x224x224,mask:1x128',
    schema: inputShapes,
    default: {},
    commands: RUN_QUANTIZE,
  },
  {
    key: 'runtimes',
    arg: '<list>',
    description: 'Runtimes to benchmark. auto runs what is installed and reports the rest as skipped; a runtime named here that is missing is an error.',
    allowed: `auto, or a comma-separated list of ${RUNTIMES.join(', ')}`,
    schema: autoOr(RUNTIMES, 'runtime'),
    default: 'auto',
    commands: ['run'],
  },
  {
    key: 'providers',
    arg: '<list>',
    description: 'ONNX Runtime execution providers to benchmark. auto: cpu and every GPU provider the installed onnxruntime-node has.',
    allowed: `auto, or a comma-separated list of ${PROVIDERS.join(', ')}`,
    schema: autoOr(PROVIDERS, 'provider'),
    default: 'auto',
    commands: ['run'],
  },
  {
    key: 'batch-sizes',
    arg: '<list>',
    description: 'Batch sizes to benchmark. A model with a fixed batch dimension runs only its own; others become skipped rows.',
    allowed: 'positive whole numbers separated by commas, e.g. 1,32',
    schema: listOf(positiveInt('batch size', 65536), 'batch size').transform((l) => [...new Set(l)].sort((a, b) => a - b)),
    default: [1, 32],
    commands: ['run'],
  },
  {
    key: 'warmup-ms',
    arg: '<ms>',
    description: 'Untimed warm-up of each benchmark, milliseconds (at least one run).',
    allowed: 'a number of milliseconds from 0 to 600000',
    schema: numberIn('the warm-up', 0, 600000),
    default: 1000,
    commands: ['run'],
  },
  {
    key: 'min-iterations',
    arg: '<n>',
    description: msg`Timed iterations of each benchmark, at least (both this and ${mention('min-time-ms')} must be met).`,
    allowed: 'a whole number from 1 to 1000000',
    schema: positiveInt('iteration count', 1000000),
    default: 20,
    commands: ['run'],
  },
  {
    key: 'min-time-ms',
    arg: '<ms>',
    description: 'Timed wall time of each benchmark, at least, milliseconds.',
    allowed: 'a number of milliseconds from 0 to 3600000',
    schema: numberIn('the timed wall time', 0, 3600000),
    default: 3000,
    commands: ['run'],
  },
  {
    key: 'threads',
    arg: '<n>',
    description: 'Intra-op threads for ONNX Runtime on the CPU.',
    allowed: 'a whole number from 1 to 1024',
    schema: positiveInt('thread count', 1024),
    defaultText: "ONNX Runtime's (one per physical core); one per usable CPU where the process is confined to fewer CPUs than the machine has (taskset, a cpuset)",
    commands: ['run', 'quantize'],
  },
  {
    key: 'method',
    arg: '<method>',
    description: 'How activation ranges are chosen from calibration statistics.',
    allowed: METHODS.join(', '),
    schema: z.enum(METHODS, { error: `the method must be one of ${METHODS.join(', ')}` }),
    default: 'percentile',
    commands: RUN_QUANTIZE,
  },
  {
    key: 'percentile',
    arg: '<pct>',
    description: msg`The percentile of |activation| kept by ${new OptionRef('method', 'percentile')}.`,
    allowed: 'a number above 90 and at most 100',
    schema: numberIn('the percentile', 90, 100, true),
    default: 99.99,
    commands: RUN_QUANTIZE,
  },
  {
    key: 'exclude',
    arg: '<pattern>',
    description: 'Keep matching nodes in float: an exact node name, op:TYPE, or re:REGEX over node names (\`quantgate inspect --nodes\` lists them). Repeatable.',
    allowed: 'a node name, op:TYPE or re:REGEX',
    schema: z
      .union([z.string(), z.array(z.string())])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .pipe(z.array(excludePattern)),
    default: [],
    commands: RUN_QUANTIZE,
    repeatable: true,
  },
  {
    key: 'seed',
    arg: '<n>',
    description: 'Seed of everything random: generated calibration data and the bootstrap interval. The same inputs, seed and recorded placement (calibration.json) give byte-identical models.',
    allowed: 'a whole number from 0 to 2147483647',
    schema: wholeNumber('the seed', 0, 2147483647),
    default: 0,
    commands: RUN_QUANTIZE,
  },
  {
    key: 'random-int-range',
    arg: '<lo:hi>',
    description: 'Without calibration data, integer inputs (token ids, indices) are drawn uniformly from [lo, hi).',
    allowed: 'two whole numbers LO:HI with LO < HI, e.g. 0:30522',
    schema: z
      .union([z.string(), z.tuple([z.number(), z.number()])])
      .transform((v, ctx) => {
        const pair = typeof v === 'string' ? v.split(':').map((x) => Number(x.trim())) : v;
        if (pair.length !== 2 || !pair.every(Number.isSafeInteger) || pair[0]! >= pair[1]!) {
          ctx.addIssue({ code: 'custom', message: 'expected LO:HI, two whole numbers with LO < HI' });
          return z.NEVER;
        }
        return pair as [number, number];
      }),
    default: [0, 100],
    format: (range: readonly number[]) => range.join(':'),
    commands: RUN_QUANTIZE,
  },
  {
    key: 'placement',
    arg: '<how>',
    description: msg`Where the ONNX Runtime INT8 model gets Q/DQ: rules (only where ONNX Runtime runs the op in int8 and its neighbours keep the tensor in int8), or auto (where the rules leave a choice, time both on this CPU and keep the faster). The choice is recorded in calibration.json and replayed by ${mention('ranges')}: the same inputs, seed and recorded placement give byte-identical models.`,
    allowed: PLACEMENTS.join(', '),
    schema: z.enum(PLACEMENTS, { error: `the placement must be one of ${PLACEMENTS.join(', ')}` }),
    defaultText: 'auto when the rules model is slower than FP32 on this CPU (timed once), else rules',
    commands: RUN_QUANTIZE,
  },
  {
    key: 'mode',
    arg: '<mode>',
    description: msg`static: activation ranges calibrated ahead of time (both flavours). dynamic: ONNX Runtime flavour only, int8 per-channel weights with activations quantized at run time (DynamicQuantizeLinear and MatMulInteger for MatMul and Gemm; convolutions stay in float), so ${mention('calibration-data')} is optional; the TensorRT flavour still needs calibrated ranges and is skipped without calibration data.`,
    allowed: MODES.join(', '),
    schema: z.enum(MODES, { error: `the mode must be one of ${MODES.join(', ')}` }),
    default: 'static',
    commands: RUN_QUANTIZE,
  },
  {
    key: 'accuracy-budget',
    arg: '<pp>',
    description: msg`Keep the fewest, most sensitive nodes in float until the ONNX Runtime INT8 model loses at most this many percentage points (top-1 accuracy with labels, top-1 disagreement with FP32 without) on the first half of the evaluation set; the gate then scores the other half. Separate from ${mention('max-accuracy-drop')}, which still gates. Static mode only (it searches the sensitivity ranking).`,
    allowed: 'a number of percentage points above 0 and at most 100',
    schema: numberIn('the accuracy budget', 0, 100, true),
    commands: ['run'],
  },
  {
    key: 'ranges',
    arg: '<path>',
    description: 'Reuse the ranges of an earlier calibration.json instead of calibrating again.',
    allowed: 'a path to a calibration.json',
    schema: pathValue,
    commands: ['quantize'],
    isPath: true,
  },
  {
    key: 'target-cpu',
    arg: '<cpu>',
    description: 'The CPU the ONNX Runtime INT8 model is laid out for; auto detects this machine\'s int8 support.',
    allowed: TARGET_CPUS.join(', '),
    schema: z.enum(TARGET_CPUS, { error: `the target CPU must be one of ${TARGET_CPUS.join(', ')}` }),
    default: 'auto',
    commands: RUN_QUANTIZE,
  },
  {
    key: 'output',
    arg: '<name>',
    description: 'The model output that accuracy is scored on (default: the first).',
    allowed: 'the name of one of the model\'s outputs',
    schema: text('the output name'),
    commands: ['run'],
  },
  {
    key: 'baseline',
    arg: '<path>',
    description: 'A results.json from an earlier run (the base branch) to compare with.',
    allowed: 'a path to a results.json',
    schema: pathValue,
    commands: ['run'],
    isPath: true,
  },
  {
    key: 'baseline-model',
    arg: '<path>',
    description: 'The base branch\'s model, benchmarked in the same job, interleaved with this one (immune to a noisy runner).',
    allowed: 'a path to an .onnx file',
    schema: pathValue,
    commands: ['run'],
    isPath: true,
  },
  {
    key: 'max-accuracy-drop',
    arg: '<pp>',
    description: 'Fail when an INT8 model loses more top-1 accuracy than this, in percentage points, against FP32 (needs labels).',
    allowed: 'a number of percentage points from 0 to 100',
    schema: numberIn('the accuracy drop', 0, 100),
    default: 1.0,
    commands: ['run', 'compare'],
  },
  {
    key: 'max-disagreement',
    arg: '<pct>',
    description: 'Without labels: fail when INT8 top-1 disagrees with FP32 on more than this percentage of samples.',
    allowed: 'a percentage from 0 to 100',
    schema: numberIn('the disagreement', 0, 100),
    commands: ['run'],
  },
  {
    key: 'max-latency-regression',
    arg: '<pct>',
    description: 'Fail when p50 latency grows by more than this percentage against the baseline (and beyond its noise).',
    allowed: 'a percentage above 0 and at most 10000',
    schema: numberIn('the latency regression', 0, 10000, true),
    commands: ['run', 'compare'],
  },
  {
    key: 'export-command',
    arg: '<cmd>',
    description: msg`A command that writes the ONNX model at ${mention('model')} (e.g. your PyTorch export script); run before anything else.`,
    allowed: 'a shell command',
    schema: text('the command'),
    commands: ['run'],
  },
  {
    key: 'out',
    arg: '<dir>',
    description: 'Folder for the INT8 models, calibration.json, results.json and report.md.',
    allowed: 'a path to a folder (created if missing)',
    schema: pathValue,
    default: 'quantgate-out',
    commands: ['run', 'quantize', 'demo', 'aggregate'],
    isPath: true,
  },
  {
    key: 'nodes',
    description: 'List every node: name, op type and inputs, as --exclude matches them.',
    allowed: 'true or false',
    schema: bool,
    default: false,
    commands: ['inspect'],
    boolean: true,
    scope: 'cli',
  },
  {
    key: 'json',
    description: 'Print machine-readable JSON on stdout instead of text.',
    allowed: 'true or false',
    schema: bool,
    default: false,
    commands: ['run', 'quantize', 'inspect', 'compare', 'doctor', 'aggregate'],
    boolean: true,
    scope: 'cli',
  },
  // The action's own inputs (scope 'action'): not flags, and refused in quantgate.yml.
  {
    key: 'config',
    arg: '<path>',
    description: 'Path of a quantgate.yml, relative to the working directory.',
    allowed: 'a path to a quantgate.yml',
    schema: pathValue,
    defaultText: "quantgate.yml at the working directory's root, if present",
    commands: [],
    scope: 'action',
    isPath: true,
  },
  {
    key: 'working-directory',
    arg: '<dir>',
    description: 'Folder that relative paths are resolved against.',
    allowed: 'a path to a folder',
    schema: pathValue,
    default: '.',
    commands: [],
    scope: 'action',
    isPath: true,
  },
  {
    key: 'github-token',
    arg: '<token>',
    description: 'Token that posts the comment and reads the stored baseline (needs pull-requests: write and actions: read).',
    allowed: 'a GitHub token',
    schema: text('the token').regex(/^\S+$/, { error: 'a token is one word, without spaces or line breaks' }),
    defaultText: 'the workflow\'s token, ${{ github.token }}',
    actionDefault: '${{ github.token }}',
    commands: [],
    scope: 'action',
    secret: true,
  },
  {
    key: 'comment',
    arg: '<when>',
    description:
      'When to write the pull-request comment: always (create it, or edit it in place), on-change (create or edit only when the verdict or a gated number changed beyond noise since the comment\'s last version), never.',
    allowed: COMMENT_MODES.join(', '),
    schema: z.enum(COMMENT_MODES, { error: `the comment mode must be one of ${COMMENT_MODES.join(', ')}` }),
    default: 'always',
    commands: [],
    scope: 'action',
  },
  {
    key: 'comment-key',
    arg: '<key>',
    description: 'Tells this comment apart from the others quantgate keeps on the pull request: several models or workflows in one repository each keep their own.',
    allowed: 'one line of text',
    schema: text('the comment key').regex(/^[^\r\n]*$/, { error: 'the comment key must be one line' }),
    defaultText: 'the model path',
    commands: ['comment', 'aggregate'],
    scope: 'action',
  },
  {
    key: 'baseline-from',
    arg: '<source>',
    description: msg`Where the baseline comes from: artifact (the results the latest push run of ${mention('baseline-workflow')} on the base branch stored), base-ref (the base branch's model, benchmarked in this job), none. A ${mention('baseline')} file overrides it.`,
    allowed: BASELINE_SOURCES.join(', '),
    schema: z.enum(BASELINE_SOURCES, { error: `the baseline source must be one of ${BASELINE_SOURCES.join(', ')}` }),
    defaultText: 'artifact on pull requests, none otherwise',
    commands: [],
    scope: 'action',
  },
  {
    key: 'baseline-workflow',
    arg: '<file>',
    description: 'The workflow whose push runs on the base branch store the baseline artifact.',
    allowed: 'a workflow file name in .github/workflows (e.g. quantgate.yml) or a workflow ID',
    schema: text('the workflow').regex(/^([\w.-]+\.ya?ml|\d+)$/, { error: 'the workflow must be a file name like quantgate.yml (no folder) or a numeric ID' }),
    defaultText: "this workflow's file",
    commands: [],
    scope: 'action',
  },
  {
    key: 'artifact-name',
    arg: '<name>',
    description: 'Name of the uploaded artifact (INT8 models, results, report, calibration files, logs). Each leg of a matrix needs its own.',
    allowed: 'a name without " : < > | * ? \\ / or line breaks',
    schema: text('the artifact name').regex(/^[^":<>|*?\\/\r\n]*$/, { error: 'an artifact name cannot hold " : < > | * ? \\ / or line breaks' }),
    defaultText: 'quantgate-<model file name without .onnx>',
    commands: [],
    scope: 'action',
  },
  {
    key: 'retention-days',
    arg: '<days>',
    description: 'Days the artifact is kept.',
    allowed: 'a whole number of days from 1 to 90',
    schema: wholeNumber('the retention', 1, 90),
    defaultText: "the repository's setting",
    commands: [],
    scope: 'action',
  },
  {
    key: 'upload-engines',
    description: 'Also upload the TensorRT engines the run built. Off by default: an engine is executable code for one GPU and TensorRT version, and quantgate never reads one back from an artifact.',
    allowed: 'true or false',
    schema: bool,
    default: false,
    commands: [],
    scope: 'action',
  },
  {
    key: 'allow-fork-prs',
    description: 'Run on pull requests from forks on a self-hosted runner. Off, they are refused before anything runs: the runner would run a stranger\'s model and export command.',
    allowed: 'true or false',
    schema: bool,
    default: false,
    commands: [],
    scope: 'action',
  },
  {
    key: 'comment-author',
    arg: '<login>',
    description: 'The account that writes the comment: among its comments quantgate finds the one to edit.',
    allowed: 'a GitHub login, e.g. github-actions[bot] or my-app[bot]',
    schema: text('the login').regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(\[bot\])?$/, { error: 'a GitHub login holds letters, digits and inner hyphens, with [bot] after an app\'s' }),
    default: 'github-actions[bot]',
    commands: ['comment', 'aggregate'],
    scope: 'action',
  },
  // The posting commands' own flags (quantgate comment, quantgate aggregate).
  {
    key: 'pr',
    arg: '<number>',
    description: 'The pull request to post the report on (the fork-safe second workflow gets it from the first one\'s artifact).',
    allowed: 'a pull request number, a whole number from 1',
    schema: wholeNumber('the pull request number', 1, 2147483647),
    commands: ['comment', 'aggregate'],
    requiredFor: ['comment'],
    example: '42',
    scope: 'cli',
  },
  {
    key: 'repo',
    arg: '<owner/name>',
    description: 'The repository of the pull request.',
    allowed: 'owner/name, e.g. octo-org/models',
    schema: text('the repository').regex(/^[\w.-]+\/[\w.-]+$/, { error: 'the repository must be owner/name, e.g. octo-org/models' }),
    defaultText: 'GITHUB_REPOSITORY from the environment',
    commands: ['comment', 'aggregate'],
    scope: 'cli',
  },
  {
    key: 'token',
    arg: '<token>',
    description: 'Token that posts the comment (needs pull-requests: write). Prefer the environment: a flag shows in the process list.',
    allowed: 'a GitHub token',
    schema: text('the token').regex(/^\S+$/, { error: 'a token is one word, without spaces or line breaks' }),
    defaultText: 'GITHUB_TOKEN from the environment',
    commands: ['comment', 'aggregate'],
    scope: 'cli',
    secret: true,
  },
] as const satisfies readonly OptionSpec[];

/** The table as plain specs, for code that walks it at run time. */
export const OPTIONS: readonly OptionSpec[] = OPTION_TABLE;

export function optionsFor(command: CommandName): OptionSpec[] {
  return OPTIONS.filter((o) => o.commands.includes(command));
}

/** The action's own inputs (scope 'action'). */
export function actionOnlyOptions(): OptionSpec[] {
  return OPTIONS.filter((o) => o.scope === 'action');
}

/** Whether quantgate.yml may set it: not the CLI's per-invocation flags, not the action's own inputs. */
export function isFileKey(spec: OptionSpec): boolean {
  return (spec.scope ?? 'all') === 'all';
}

export function optionSpec(key: string): OptionSpec | undefined {
  return OPTIONS.find((o) => o.key === key);
}

/** A typed value as it is written on the command line or as an action input: `1,32`, `0:100`. */
export function optionText(spec: OptionSpec, value: unknown): string {
  if (spec.format) return spec.format(value);
  if (Array.isArray(value)) return value.join(',');
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => `${k}:${Array.isArray(v) ? v.join('x') : String(v)}`)
      .join(',');
  }
  return String(value);
}

/** The default as a person reads it in --help, action.yml and the README; undefined where there is none to show. */
export function defaultText(spec: OptionSpec): string | undefined {
  if (spec.defaultText) return spec.defaultText;
  if (spec.default === undefined) return undefined;
  const text = optionText(spec, spec.default);
  return text === '' ? undefined : text;
}

/** The config field of an option key: `batch-sizes` → `batchSizes` (commander names flags the same way). */
export function camelKey(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

// ---- Types from the table -------------------------------------------------------------------
// The config types (src/config/types.ts) are computed from OPTIONS, so a new option is one edit
// here: the commands that take it gain a field of its schema's output type, required when it has
// a default or a command cannot run without it, optional otherwise.

type Option = (typeof OPTION_TABLE)[number];

/** Every option's key. Messages name options by it (src/message.ts). */
export type OptionKey = Option['key'];

/** `batch-sizes` → `batchSizes`, as `camelKey` does at run time. */
export type CamelKey<K extends string> = K extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelKey<Tail>>}` : K;

/** The options of one command. */
export type OptionsOf<C extends CommandName> = Option extends infer O ? (O extends { readonly commands: readonly (infer Cs)[] } ? (C extends Cs ? O : never) : never) : never;

/** The options of the action alone (scope 'action'). */
export type ActionOnlyOption = Extract<Option, { readonly scope: 'action' }>;

type IsRequired<O, C> = O extends { readonly default: unknown }
  ? true
  : O extends { readonly requiredFor: readonly (infer R)[] }
    ? C extends R
      ? true
      : false
    : false;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The typed fields of a set of options as `command` gets them (optional where the option may be absent). */
export type FieldsOf<O extends Option, C = never> = Simplify<
  { [P in O as IsRequired<P, C> extends true ? CamelKey<P['key']> : never]: z.output<P['schema']> } & {
    [P in O as IsRequired<P, C> extends true ? never : CamelKey<P['key']>]?: z.output<P['schema']>;
  }
>;

// A default must be a value of its option's type: the compiler refuses the table otherwise.
type DeepReadonly<T> = T extends (infer E)[] ? readonly DeepReadonly<E>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
type BadDefault<O> = O extends { readonly key: infer K; readonly default: infer D; readonly schema: infer S extends z.ZodType }
  ? D extends DeepReadonly<z.output<S>>
    ? never
    : K
  : never;
type AssertNever<T extends never> = T;
export type DefaultsMatchTheirSchemas = AssertNever<BadDefault<Option>>;
