/**
 * `quantgate inspect`: a model's signature for a person (or, with --json, for a script), and with
 * --nodes every node's name and op type, as --exclude matches them.
 */
import type { InspectConfig } from '../config/types.js';
import { ExitCode } from '../errors.js';
import { formatBytes, formatCount, textTable } from '../format.js';
import { readModel } from '../model/read.js';
import { loadProblem, runtimeLimits, runtimeSupportProblem, type RuntimeLimits } from '../model/runtime-support.js';
import { formatShape, modelSignature, type ModelSignature } from '../model/signature.js';
import { forEachNode } from '../model/walk.js';
import type { CommandContext } from './context.js';
import { logSafe } from '../log.js';

/** Ops the quantizer puts in INT8. */
export const QUANTIZABLE_OPS = ['Conv', 'ConvTranspose', 'Gemm', 'MatMul'] as const;

export interface NodeListing {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  /** "graph", or where a subgraph node lives. */
  scope: string;
}

export interface InspectResult {
  path: string;
  fileBytes: number;
  totalBytes: number;
  sha256: string;
  signature: ModelSignature;
  runtime: RuntimeLimits & { runs: boolean; reason: string | null };
  nodes?: NodeListing[];
}

export async function inspectModel(config: Pick<InspectConfig, 'model' | 'nodes'>): Promise<InspectResult> {
  const model = readModel(config.model);
  try {
    const signature = modelSignature(model.proto);
    const limits = await runtimeLimits();
    const problem = runtimeSupportProblem(signature, limits, config.model) ?? (await loadProblem(model.path, config.model));
    const reason = problem ? problem.describe() : null;
    const result: InspectResult = {
      path: model.path,
      fileBytes: model.fileBytes,
      totalBytes: model.totalBytes,
      sha256: await model.sha256(),
      signature,
      runtime: { ...limits, runs: reason === null, reason },
    };
    if (config.nodes) {
      const nodes: NodeListing[] = [];
      forEachNode(model.proto, (node, scope) =>
        nodes.push({ name: node.name, opType: node.opType, domain: node.domain, inputs: [...node.input], outputs: [...node.output], scope }),
      );
      result.nodes = nodes;
    }
    return result;
  } finally {
    model.close();
  }
}

export function formatInspect(result: InspectResult): string {
  const s = result.signature;
  const lines: string[] = [];
  const size = result.totalBytes === result.fileBytes ? formatBytes(result.fileBytes) : `${formatBytes(result.totalBytes)} with external data`;
  lines.push(`${result.path}`);
  lines.push(`  ${size} · IR ${s.irVersion} · opset ${s.opsets.map((o) => (o.domain === 'ai.onnx' ? String(o.version) : `${o.domain} ${o.version}`)).join(', ')}${s.producer ? ` · ${s.producer}` : ''}`);
  lines.push(`  sha256 ${result.sha256}`);
  lines.push('inputs');
  lines.push(textTable(s.inputs.map((i) => [i.name, i.dtype, formatShape(i.shape)])));
  lines.push('outputs');
  lines.push(textTable(s.outputs.map((o) => [o.name, o.dtype, formatShape(o.shape)])));
  const ops = Object.entries(s.opCounts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  lines.push(`nodes ${s.nodes}: ${ops.map(([op, n]) => `${op} ${n}`).join(', ')}`);
  if (s.functions.length > 0) lines.push(`functions ${s.functions.join(', ')}`);
  const external = s.parameters.externalBytes > 0 ? `, ${formatBytes(s.parameters.externalBytes)} in external data` : '';
  lines.push(`parameters ${formatCount(s.parameters.count)} (${formatBytes(s.parameters.bytes)}) in ${s.parameters.initializers} initializers${external}`);
  const quantizable = QUANTIZABLE_OPS.filter((op) => s.opCounts[op]).map((op) => `${op} ${s.opCounts[op]}`);
  lines.push(`quantizable ${quantizable.length > 0 ? quantizable.join(', ') : 'none (no Conv, ConvTranspose, Gemm or MatMul)'}`);
  const limits = `IR ≤ ${result.runtime.maxIrVersion ?? '?'}, opset ≤ ${result.runtime.maxOpset ?? '?'}`;
  lines.push(result.runtime.runs ? `ONNX Runtime ${result.runtime.ortVersion} runs it (${limits})` : `${result.runtime.reason}`);
  if (result.nodes) {
    lines.push(`nodes (name, op type, inputs → outputs)`);
    lines.push(
      textTable(
        result.nodes.map((n) => [
          n.name || '(unnamed)',
          n.domain && n.domain !== 'ai.onnx' ? `${n.domain}:${n.opType}` : n.opType,
          `${n.inputs.join(', ')} → ${n.outputs.join(', ')}${n.scope === 'graph' ? '' : `  [${n.scope}]`}`,
        ]),
      ),
    );
  }
  return lines.join('\n');
}

/** `quantgate inspect`: exit 0 once the model reads; a runtime mismatch is reported, not gated. */
export async function inspectCommand(config: InspectConfig, ctx: CommandContext): Promise<number> {
  const result = await inspectModel(config);
  ctx.stdout.write(config.json ? `${JSON.stringify(result, null, 2)}\n` : `${logSafe(formatInspect(result))}\n`);
  return ExitCode.passed;
}
