/**
 * The addon's errors in the project's terms. Native errors carry a `code`
 * (binding.ts NativeErrorCode); this is the one place that maps codes to error classes, so
 * callers branch on `instanceof`:
 * - TensorRT missing or unusable → TensorRtUnavailableError (bad input when asked for by name;
 *   a backend under `auto` turns it into a skipped row with `reason`)
 * - the parser rejects the model → EngineParseError (bad input, names the node)
 * - out of device memory → GpuOutOfMemoryError (bad input: smaller batches or a freer GPU)
 * - cancelled → EngineBuildCancelledError
 * - anything else from TensorRT or CUDA → TensorRtError (a failed row, with TensorRT's words)
 * ERR_QG_BUSY and ERR_QG_DISPOSED are bugs in the caller and pass through unchanged.
 */
import { BadInputError } from '../../errors.js';
import { msg, opt } from '../../message.js';
import { isNativeError, type ParserError } from './binding.js';

export class TensorRtUnavailableError extends BadInputError {
  /** The whole "possible solutions" text (what was tried, found, required, what to do). */
  readonly possibleSolutions: string;
  constructor(problem: string, fix: string, possibleSolutions: string, options?: { cause?: unknown }) {
    super(problem, fix, options);
    this.possibleSolutions = possibleSolutions;
  }
}

export class EngineParseError extends BadInputError {
  constructor(
    problem: string,
    fix: string,
    readonly parserErrors: ParserError[],
    readonly log: string,
    options?: { cause?: unknown },
  ) {
    super(problem, fix, options);
  }
}

export class GpuOutOfMemoryError extends BadInputError {
  constructor(
    problem: string,
    fix: string,
    readonly details: string[],
    options?: { cause?: unknown },
  ) {
    super(problem, fix, options);
  }
}

export class EngineBuildCancelledError extends Error {
  override readonly name = 'EngineBuildCancelledError';
}

export class TensorRtError extends Error {
  override readonly name = 'TensorRtError';
  constructor(
    message: string,
    readonly code: string,
    readonly details: string[],
    readonly log: string | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const MAX_DETAIL_LINES = 8;

function withDetails(message: string, details: string[]): string {
  if (details.length === 0) return message;
  const shown = details.slice(0, MAX_DETAIL_LINES).map((d) => `  TensorRT: ${d}`);
  if (details.length > MAX_DETAIL_LINES) shown.push(`  (${details.length - MAX_DETAIL_LINES} more in the build log)`);
  return `${message}\n${shown.join('\n')}`;
}

/** "node 'conv1' (Conv): description" for each parser error. */
export function describeParserErrors(errors: ParserError[]): string[] {
  return errors.map((e) => (e.nodeName ? `node '${e.nodeName}' (${e.nodeOperator || 'unknown op'}): ${e.description} [${e.code}]` : `${e.description} [${e.code}]`));
}

/**
 * The project's error for something the addon threw while doing `doing` ("building the INT8
 * engine of model.onnx"). `unavailable` gives the possible-solutions text for ERR_QG_LIBRARY.
 */
export function fromNativeError(error: unknown, doing: string, unavailable?: () => string): unknown {
  if (!isNativeError(error)) return error;
  switch (error.code) {
    case 'ERR_QG_LIBRARY': {
      const text = unavailable?.() ?? error.message;
      return new TensorRtUnavailableError(`TensorRT is not usable here (${doing}): ${error.message}`, 'see the possible solutions below, or leave tensorrt out of --runtimes', text, { cause: error });
    }
    case 'ERR_QG_PARSE': {
      const parserErrors = error.parserErrors ?? [];
      const first = parserErrors.find((e) => e.nodeName);
      const lines = describeParserErrors(parserErrors);
      return new EngineParseError(
        `TensorRT's ONNX parser rejected the model while ${doing}:\n${lines.map((l) => `  ${l}`).join('\n') || `  ${error.message}`}`,
        first
          ? `change or remove node '${first.nodeName}' (${first.nodeOperator}) so this TensorRT can parse it (\`quantgate inspect --nodes\` lists the nodes), upgrade TensorRT, or leave tensorrt out of --runtimes; the ONNX Runtime rows are unaffected`
          : 'check that the model is valid ONNX that this TensorRT supports, or leave tensorrt out of --runtimes',
        parserErrors,
        error.log ?? '',
        { cause: error },
      );
    }
    case 'ERR_QG_OUT_OF_MEMORY':
      return new GpuOutOfMemoryError(
        withDetails(`out of GPU memory while ${doing}`, error.details),
        'use smaller --batch-sizes, or free the GPU (nvidia-smi lists the processes holding its memory)',
        error.details,
        { cause: error },
      );
    case 'ERR_QG_CANCELLED':
      return new EngineBuildCancelledError(`cancelled while ${doing}`, { cause: error });
    case 'ERR_QG_INVALID_ARGUMENT':
      return new BadInputError(`${error.message} (while ${doing})`, msg`check ${opt('input-shapes')} and ${opt('batch-sizes')} against the model's inputs`, { cause: error });
    case 'ERR_QG_BUSY':
    case 'ERR_QG_DISPOSED':
      return error;
    default:
      return new TensorRtError(withDetails(`${error.message} (while ${doing})`, error.details), error.code, error.details, error.log ?? null, { cause: error });
  }
}
