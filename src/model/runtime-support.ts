/**
 * Which ONNX IR and opset the installed ONNX Runtime runs. Read from ONNX Runtime itself, by
 * asking it to load a one-node model stamped with an impossible IR and opset: its refusal says
 * the limit ("max supported IR version: 13", "official support for domain ai.onnx is till opset
 * 26"). Models newer than that fail inside ONNX Runtime with a C++ source location; quantgate
 * says it in one line, with the fix, before running anything.
 */
import { BadInputError } from '../errors.js';
import { loadOrt, ortVersion } from '../runtime/onnxruntime/load.js';
import { encodeModel } from './encode.js';
import { identityModel } from './build.js';
import type { ModelSignature } from './signature.js';

export interface RuntimeLimits {
  ortVersion: string;
  maxIrVersion: number | null;
  maxOpset: number | null;
}

function probeModel(irVersion: number, opset: number): Uint8Array {
  return encodeModel(identityModel(irVersion, opset));
}

async function refusal(bytes: Uint8Array): Promise<string | null> {
  const ort = await loadOrt();
  try {
    const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 4 });
    await session.release();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

let cached: Promise<RuntimeLimits> | undefined;

export function runtimeLimits(): Promise<RuntimeLimits> {
  cached ??= (async () => {
    const version = await ortVersion();
    const irMessage = await refusal(probeModel(1000, 7));
    const ir = /max supported IR version:\s*(\d+)/i.exec(irMessage ?? '');
    const maxIrVersion = ir ? Number(ir[1]) : null;
    const opsetMessage = await refusal(probeModel(maxIrVersion ?? 7, 1000));
    const opset = /till opset\s*(\d+)/i.exec(opsetMessage ?? '');
    return { ortVersion: version, maxIrVersion, maxOpset: opset ? Number(opset[1]) : null };
  })();
  return cached;
}

/**
 * Why the installed ONNX Runtime cannot run a model of this signature, as the error the pipeline
 * raises (problem and fix), or null if it can.
 */
export function runtimeSupportProblem(signature: ModelSignature, limits: RuntimeLimits, label: string): BadInputError | null {
  const problems: string[] = [];
  if (limits.maxIrVersion !== null && signature.irVersion > limits.maxIrVersion) {
    problems.push(`IR version ${signature.irVersion} (it runs IR ≤ ${limits.maxIrVersion})`);
  }
  if (limits.maxOpset !== null && signature.opset !== null && signature.opset > limits.maxOpset) {
    problems.push(`opset ${signature.opset} (it runs opset ≤ ${limits.maxOpset})`);
  }
  if (problems.length === 0) return null;
  const ir = Math.min(limits.maxIrVersion ?? signature.irVersion, signature.irVersion);
  const opset = Math.min(limits.maxOpset ?? signature.opset ?? 0, signature.opset ?? 0);
  return new BadInputError(
    `${label}: ONNX Runtime ${limits.ortVersion} cannot run this model: it has ${problems.join(' and ')}. ` +
      "Python's onnx 1.23 saves IR 14 / opset 28 unless told otherwise",
    `save the model at IR ${ir} and opset ${opset} (Python: m = onnx.version_converter.convert_model_to_version(onnx.load(p), ${opset}); ` +
      `m.ir_version = ${ir}; onnx.save(m, p); or pass opset_version=${opset} to torch.onnx.export), or upgrade onnxruntime-node`,
  );
}

/**
 * Why ONNX Runtime refuses to load the model file at `path` (on the CPU, graph optimizations off:
 * what every stage needs), or null. An op type it has not registered, a custom domain without its
 * library, shapes that contradict each other: ONNX Runtime's own refusal, said before any stage
 * edits the model, where it would otherwise surface as an internal error.
 */
export async function loadProblem(path: string, label: string): Promise<BadInputError | null> {
  const ort = await loadOrt();
  try {
    const session = await ort.InferenceSession.create(path, { executionProviders: ['cpu'], graphOptimizationLevel: 'disabled', logSeverityLevel: 4 });
    await session.release();
    return null;
  } catch (error) {
    const detail = (error as Error).message.split('\n')[0]!.replace(/^\[ONNXRuntimeError\] : \d+ : \w+ : /, '');
    return new BadInputError(
      `${label}: ONNX Runtime ${await ortVersion()} cannot load the model: ${detail}`,
      'an op of a custom domain needs its own library, which quantgate does not load; otherwise export the model again with ops of a standard opset ONNX Runtime implements (python -c "import onnx; onnx.checker.check_model(\'model.onnx\', full_check=True)" names what is wrong)',
      { cause: error },
    );
  }
}

/**
 * Throws BadInputError when the installed ONNX Runtime cannot run the model: its IR or opset is
 * newer, or (given the file's path) ONNX Runtime refuses to load it.
 */
export async function requireRuntimeSupport(signature: ModelSignature, label: string, path?: string): Promise<void> {
  const problem = runtimeSupportProblem(signature, await runtimeLimits(), label) ?? (path ? await loadProblem(path, label) : null);
  if (problem) throw problem;
}
