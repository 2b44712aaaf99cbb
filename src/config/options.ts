/**
 * Every option of quantgate, defined once. The CLI's flags, the action's inputs, the keys of
 * `quantgate.yml` and its JSON Schema are all generated from this table, so they cannot drift.
 *
 * Each option's schema accepts the value as a string (how flags and action inputs arrive) and,
 * where it is natural, the YAML form (a list, a number, a mapping), and turns both into one typed
 * value. `allowed` is what error messages and the docs say is allowed.
 */
import { z } from 'zod';

export type CommandName = 'run' | 'quantize' | 'inspect' | 'compare' | 'demo';

export interface OptionSpec {
  /** The key in quantgate.yml and the action input; the flag is `--${key}`. */
  key: string;
  /** Placeholder shown in --help (`<path>`); absent for booleans. */
  arg?: string;
  description: string;
  allowed: string;
  schema: z.ZodType;
  /** The default, in its typed form; absent when the option has none. */
  default?: unknown;
  /** How the default reads in --help and docs when it is computed at run time. */
  defaultText?: string;
  commands: readonly CommandName[];
  /** Paths are resolved against the file that named them, or the working directory. */
  isPath?: boolean;
  /** Given several times on the command line (`--exclude A --exclude B`). */
  repeatable?: boolean;
  boolean?: boolean;
  /** Not a key of quantgate.yml (only a flag). */
  flagOnly?: boolean;
}

const RUN_QUANTIZE = ['run', 'quantize'] as const;

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

const bool = z.union([z.boolean(), z.enum(['true', 'false', '']).transform((v) => v === 'true')]);

const pathValue = z.string().trim().min(1, { error: 'the path is empty' });

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

const autoOr = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.union([
    z.literal('auto'),
    listOf(z.enum(values, { error: `each ${what} must be one of ${values.join(', ')}` }), what).transform((l) => [...new Set(l)]),
  ]);

export const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'model',
    arg: '<path>',
    description: 'The ONNX model to check (the pull request\'s version).',
    allowed: 'a path to an .onnx file',
    schema: pathValue,
    commands: ['run', 'quantize', 'inspect'],
    isPath: true,
  },
  {
    key: 'calibration-data',
    arg: '<path>',
    description: 'Calibration samples: a folder of .npy files, an .npz keyed by input name, or a folder of images with --preprocess.',
    allowed: 'a path to a folder or an .npz file',
    schema: pathValue,
    commands: RUN_QUANTIZE,
    isPath: true,
  },
  {
    key: 'calibration-samples',
    arg: '<n>',
    description: 'Calibrate on at most this many samples, the first ones of --calibration-data in its order.',
    allowed: 'a whole number from 1 to 10000000',
    schema: positiveInt('calibration sample count', 10_000_000),
    default: 1024,
    commands: RUN_QUANTIZE,
  },
  {
    key: 'eval-data',
    arg: '<path>',
    description: 'Evaluation samples, in the same forms as --calibration-data. Without it, the calibration data is scored for fidelity only.',
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
    description: 'Timed iterations of each benchmark, at least (both this and --min-time-ms must be met).',
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
    defaultText: 'the number of CPU cores',
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
    description: 'The percentile of |activation| kept by --method percentile.',
    allowed: 'a number above 90 and at most 100',
    schema: numberIn('the percentile', 90, 100, true),
    default: 99.99,
    commands: RUN_QUANTIZE,
  },
  {
    key: 'exclude',
    arg: '<pattern>',
    description: 'Keep matching nodes in float: an exact node name, op:TYPE, or re:REGEX over node names (inspect --nodes lists them). Repeatable.',
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
    description: 'Seed of everything random: generated calibration data and the bootstrap interval. The same inputs and seed give byte-identical models.',
    allowed: 'a whole number from 0 to 2147483647',
    schema: z.coerce
      .number({ error: 'the seed must be a whole number' })
      .int({ error: 'the seed must be a whole number' })
      .min(0, { error: 'the seed must be at least 0' })
      .max(2147483647, { error: 'the seed must be at most 2147483647' }),
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
    commands: RUN_QUANTIZE,
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
    schema: z.string().trim().min(1, { error: 'the output name is empty' }),
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
    description: 'A command that writes the ONNX model at --model (e.g. your PyTorch export script); run before anything else.',
    allowed: 'a shell command',
    schema: z.string().trim().min(1, { error: 'the command is empty' }),
    commands: ['run'],
  },
  {
    key: 'out',
    arg: '<dir>',
    description: 'Folder for the INT8 models, calibration.json, results.json and report.md.',
    allowed: 'a path to a folder (created if missing)',
    schema: pathValue,
    default: 'quantgate-out',
    commands: ['run', 'quantize', 'demo'],
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
    flagOnly: true,
  },
  {
    key: 'json',
    description: 'Print machine-readable JSON on stdout instead of text.',
    allowed: 'true or false',
    schema: bool,
    default: false,
    commands: ['run', 'quantize', 'inspect', 'compare'],
    boolean: true,
    flagOnly: true,
  },
];

export function optionsFor(command: CommandName): OptionSpec[] {
  return OPTIONS.filter((o) => o.commands.includes(command));
}

export function optionSpec(key: string): OptionSpec | undefined {
  return OPTIONS.find((o) => o.key === key);
}

/** The config field of an option key: `batch-sizes` → `batchSizes` (commander names flags the same way). */
export function camelKey(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
