/**
 * Preparation of the FP32 graph for quantization, on a copy: opset raised to 13 (per-channel
 * Q/DQ), Constant and Identity-of-weight nodes folded, BatchNormalization folded into its Conv.
 * The user's model is not changed; FP32 rows are benchmarked on it as given.
 */
import { cloneModel } from '../../model/clone.js';
import type { ModelProto } from 'onnx-buf';
import type { OnnxModel } from '../../model/model.js';
import { GraphEditor } from '../graph.js';
import { foldBatchNorms } from './batchnorm.js';
import { foldConstants } from './constants.js';
import { upgradeOpset, type UpgradeReport } from './opset.js';

export interface PrepareReport {
  opset: UpgradeReport | null;
  constantsFolded: number;
  identitiesFolded: number;
  batchNormsFolded: number;
}

export function prepareModel(model: OnnxModel, label: string): { proto: ModelProto; report: PrepareReport } {
  const proto = cloneModel(model.proto);
  const opset = upgradeOpset(proto, label);
  const editor = new GraphEditor(proto.graph!);
  const folded = foldConstants(editor);
  const batchNormsFolded = foldBatchNorms(editor, model);
  editor.dropUnusedInitializers();
  editor.sortTopologically();
  return { proto, report: { opset, constantsFolded: folded.constants, identitiesFolded: folded.identities, batchNormsFolded } };
}
