/**
 * The command-line parser: every command and flag of the contracts, generated from the option
 * table (src/config/options.ts) so that flags, action inputs and quantgate.yml keys are the same.
 * Parsing only: the commands themselves live in src/commands/.
 */
import { Command, Option } from 'commander';
import { camelKey, defaultText, optionsFor, type CommandName, type OptionSpec } from '../config/options.js';
import { toMessage } from '../message.js';
import { versionText } from '../version.js';

export interface GlobalFlags {
  quiet: boolean;
  verbose: boolean;
  config?: string;
}

/** What the parser hands to the dispatcher: the command, its raw flags (by option key) and operands. */
export interface ParsedCommand {
  command: CommandName;
  flags: Record<string, unknown>;
  operands: string[];
  globals: GlobalFlags;
}

const SUMMARIES: Record<CommandName, string> = {
  run: 'Quantize, benchmark, score and gate a model: the whole pipeline (what the action runs).',
  quantize: 'Calibrate once and write the INT8 models for TensorRT and ONNX Runtime, and calibration.json.',
  inspect: "Print a model's signature: inputs, outputs, opset, op counts, parameters.",
  compare: 'Compare two results.json files and, with a gate flag, gate on the difference.',
  demo: 'Run the whole pipeline on the embedded example model (CPU only; no GPU needed).',
  doctor: 'Check what this runner has and lacks for quantgate: GPU, driver, CUDA, TensorRT, ONNX Runtime providers, the addon\'s build tools.',
  comment: "Post a results folder's report as the pull request's comment, editing it in place (the fork-safe second workflow).",
  aggregate: 'Merge several results folders (the legs of a matrix) into one report with one verdict; with --pr, post it.',
};

function toOption(spec: OptionSpec): Option {
  // Defaults are applied by resolveConfig (flag > quantgate.yml > default), so commander gets
  // none: it would not know a flag was absent. The help still shows them.
  const fallback = spec.boolean ? undefined : defaultText(spec);
  const description = toMessage(spec.description).render();
  const option = new Option(`--${spec.key}${spec.arg ? ` ${spec.arg}` : ''}`, `${description}${fallback ? ` (default: ${fallback})` : ''}`);
  if (spec.repeatable) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  return option;
}

const EXAMPLES: Partial<Record<CommandName, string>> = {
  run: `
Examples:
  quantgate run --model models/resnet50.onnx --calibration-data data/calib --eval-data data/val --labels data/val.txt
  quantgate run --model model.onnx --baseline-model base/model.onnx --max-latency-regression 5`,
  quantize: `
Examples:
  quantgate quantize --model model.onnx --calibration-data data/calib --method entropy
  quantgate quantize --model model.onnx --ranges quantgate-out/calibration.json --exclude op:Softmax`,
  inspect: `
Examples:
  quantgate inspect --model model.onnx
  quantgate inspect --model model.onnx --nodes --json`,
  compare: `
Examples:
  quantgate compare quantgate-out/results.json baseline/results.json --max-latency-regression 5`,
  comment: `
The folder is validated and judged again from its results.json; its report.md is never posted.
The token comes from GITHUB_TOKEN (or --token), the repository from GITHUB_REPOSITORY (or --repo),
the API from GITHUB_API_URL. Exit status: 0 posted, 2 a bad folder, token or repository.

Examples:
  GITHUB_TOKEN=... quantgate comment quantgate-out --pr 42 --repo octo-org/models`,
  aggregate: `
Exit status: 0 every leg passed, 1 a leg failed its gate, 2 a leg could not be read (the report
is still written, and posted, with a line for it).

Examples:
  quantgate aggregate legs/gpu-l4 legs/gpu-a100 --out quantgate-aggregate
  quantgate aggregate legs/* --out quantgate-aggregate --pr 42`,
  doctor: `
Exit status: 0 when this runner can run what it has (Node and ONNX Runtime's CPU provider, and TensorRT
where an NVIDIA driver is loaded); 2 when something it needs is missing (the MISSING lines say what).

Examples:
  quantgate doctor
  quantgate doctor --json`,
};

/**
 * Builds the program. `onCommand` receives each parsed command; it is called once per parse.
 */
export function buildProgram(onCommand: (parsed: ParsedCommand) => Promise<void>): Command {
  const program = new Command('quantgate')
    .description('INT8 quantization, TensorRT and ONNX Runtime benchmarks and an accuracy gate for model changes.')
    .version(versionText(), '--version', 'print the version, and the commit it was built from where known')
    .helpOption('-h, --help', 'show help')
    .option('--quiet', 'print only results and errors')
    .option('--verbose', 'print debug detail and stack traces')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Exit status: 0 passed (or nothing to gate), 1 a gate failed, 2 bad input or usage, 3 internal error.
Options can also come from quantgate.yml (same names, without --); flags win over the file.
NO_COLOR disables colour.`,
    );

  const globals = (): GlobalFlags => {
    const o = program.opts<{ quiet?: boolean; verbose?: boolean }>();
    return { quiet: o.quiet === true, verbose: o.verbose === true };
  };

  for (const name of ['run', 'quantize', 'inspect', 'compare', 'demo', 'doctor', 'comment', 'aggregate'] as const) {
    const command = program.command(name).description(SUMMARIES[name]).helpOption('-h, --help', 'show help');
    if (name === 'compare') command.argument('<current>', 'results.json of this run').argument('<baseline>', 'results.json to compare with');
    if (name === 'comment') command.argument('<results-dir>', 'the output folder of a quantgate run (as downloaded from its artifact)');
    if (name === 'aggregate') command.argument('<dirs...>', 'the output folders of the legs, one each');
    for (const spec of optionsFor(name)) command.addOption(toOption(spec));
    if (!['demo', 'compare', 'doctor', 'comment', 'aggregate'].includes(name)) command.option('--config <path>', 'read options from this quantgate.yml (default: ./quantgate.yml if present)');
    command.option('--quiet', 'print only results and errors').option('--verbose', 'print debug detail and stack traces');
    const examples = EXAMPLES[name];
    if (examples) command.addHelpText('after', examples);
    command.action(async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const raw = cmd.opts<Record<string, unknown>>();
      const flags: Record<string, unknown> = {};
      for (const spec of optionsFor(name)) {
        const value = raw[camelKey(spec.key)];
        if (value !== undefined) flags[spec.key] = value;
      }
      const g = globals();
      await onCommand({
        command: name,
        flags,
        operands: cmd.args,
        globals: {
          quiet: g.quiet || raw.quiet === true,
          verbose: g.verbose || raw.verbose === true,
          ...(typeof raw.config === 'string' ? { config: raw.config } : {}),
        },
      });
    });
  }
  return program;
}
