/**
 * `quantgate demo`: the pipeline on an embedded example, no GPU and no input files needed.
 * For now it runs the model stage (write, read back losslessly, inspect) on a generated model;
 * the `run` pipeline replaces it once it exists.
 */
import { join } from 'node:path';
import { TensorProto_DataType as DataType } from 'onnx-buf';
import type { DemoConfig } from '../config/types.js';
import { ExitCode } from '../errors.js';
import { graph, model, node, valueInfo } from '../model/build.js';
import { makeTensor } from '../model/tensor.js';
import { writeModel } from '../model/write.js';
import type { CommandContext } from './context.js';
import { formatInspect, inspectModel } from './inspect.js';

function demoModel() {
  // A fixed, seeded two-layer classifier: 16 features → 32 hidden → 10 classes.
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const weights = (n: number) => Float32Array.from({ length: n }, () => random() * 0.5);
  return model(
    graph({
      name: 'demo',
      nodes: [
        node('Gemm', ['features', 'fc1.weight', 'fc1.bias'], ['hidden'], { name: '/fc1/Gemm', attributes: { transB: 1 } }),
        node('Relu', ['hidden'], ['hidden_relu'], { name: '/relu/Relu' }),
        node('Gemm', ['hidden_relu', 'fc2.weight', 'fc2.bias'], ['logits'], { name: '/fc2/Gemm', attributes: { transB: 1 } }),
      ],
      inputs: [valueInfo('features', DataType.FLOAT, ['batch', 16])],
      outputs: [valueInfo('logits', DataType.FLOAT, ['batch', 10])],
      initializers: [
        makeTensor('fc1.weight', DataType.FLOAT, [32, 16], weights(32 * 16)),
        makeTensor('fc1.bias', DataType.FLOAT, [32], weights(32)),
        makeTensor('fc2.weight', DataType.FLOAT, [10, 32], weights(10 * 32)),
        makeTensor('fc2.bias', DataType.FLOAT, [10], weights(10)),
      ],
    }),
    { irVersion: 8, opsets: { '': 17 } },
  );
}

export async function demoCommand(config: DemoConfig, ctx: CommandContext): Promise<number> {
  const path = join(config.out, 'demo.onnx');
  await ctx.log.group('model', async () => {
    writeModel(demoModel(), path);
    ctx.log.info(`wrote the demo model to ${path}`);
  });
  const result = await inspectModel({ model: path, nodes: false });
  ctx.stdout.write(`${formatInspect(result)}\n`);
  ctx.log.info('TensorRT: unavailable here (the engine stage is not built yet)');
  return ExitCode.passed;
}
