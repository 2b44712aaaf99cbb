/**
 * Reading ONNX models from disk: every way a path can be wrong ends in one BadInputError that
 * names the file, the problem and the fix, before any external data is touched.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, type ModelProto } from 'onnx-buf';
import { BadInputError } from '../errors.js';
import { msg, opt, type Label } from '../message.js';
import { checkExternalData } from './external-data.js';
import { checkGraph } from './graph-checks.js';
import { checkInitializers } from './initializer-checks.js';
import { OnnxModel } from './model.js';
import { sniffNonOnnx } from './sniff.js';

/** protobuf cannot hold more than 2 GiB in one message; bigger models must use external data. */
const PROTOBUF_LIMIT = 2 ** 31;

/** Loads an ONNX model by path. `what` names the flag or input the path came from, for messages. */
export function readModel(path: string, what: Label = opt('model')): OnnxModel {
  const absolute = resolve(path);
  let stat;
  try {
    stat = statSync(absolute);
  } catch {
    throw new BadInputError(msg`${what} ${path}: no such file`, `check the path; it is resolved against ${process.cwd()}`);
  }
  if (stat.isDirectory()) {
    const onnx = readdirSync(absolute).filter((f) => f.toLowerCase().endsWith('.onnx'));
    throw new BadInputError(
      msg`${what} ${path}: is a directory, not an ONNX file`,
      onnx.length > 0 ? `pass one of the models inside it: ${onnx.slice(0, 5).join(', ')}` : 'pass the path of the .onnx file',
    );
  }
  if (!stat.isFile()) throw new BadInputError(msg`${what} ${path}: is not a regular file`, 'pass the path of the .onnx file');
  if (stat.size === 0) throw new BadInputError(msg`${what} ${path}: the file is empty`, 'export or copy the model again');
  if (stat.size >= PROTOBUF_LIMIT) {
    throw new BadInputError(
      msg`${what} ${path}: the file is ${(stat.size / 2 ** 30).toFixed(1)} GiB, over protobuf's 2 GiB limit`,
      'save the weights as external data (onnx.save(model, path, save_as_external_data=True))',
    );
  }
  const bytes = readFileSync(absolute);
  const proto = decodeModel(bytes, msg`${what} ${path}`);
  checkStructure(proto, msg`${what} ${path}`);
  checkGraph(proto, msg`${what} ${path}`);
  const externalFiles = checkExternalData(proto, resolve(absolute, '..'), path);
  const model = new OnnxModel(proto, absolute, stat.size, externalFiles);
  try {
    checkInitializers(model, msg`${what} ${path}`);
  } catch (error) {
    model.close();
    throw error;
  }
  return model;
}

function decodeModel(bytes: Uint8Array, label: Label): ModelProto {
  const notOnnx = (detail: string) => {
    const sniffed = sniffNonOnnx(bytes);
    if (sniffed) return new BadInputError(msg`${label}: is not an ONNX model, it looks like ${sniffed.what}`, sniffed.fix);
    return new BadInputError(
      msg`${label}: is not a readable ONNX model (${detail}); the file is truncated or in another format`,
      'export or copy the model again and check that the whole file arrived (its size, or its sha256 against the source)',
    );
  };
  let proto: ModelProto;
  try {
    proto = fromBinary(ModelProtoSchema, bytes, { readUnknownFields: true });
  } catch (error) {
    throw notOnnx(`protobuf: ${(error as Error).message}`);
  }
  // Arbitrary bytes often decode as a protobuf of some sort; an ONNX model has a graph and an IR.
  if (!proto.graph || proto.irVersion === 0n) {
    throw notOnnx(!proto.graph ? 'it has no graph' : 'it has no IR version');
  }
  return proto;
}

/**
 * The checks a model must pass to be worth loading at all. A file cut short at a field boundary
 * decodes without error, so what ONNX requires of a complete model is checked here.
 */
function checkStructure(proto: ModelProto, label: Label): void {
  const graph = proto.graph!;
  const fail = (problem: string) =>
    new BadInputError(msg`${label}: ${problem}; the file is truncated or was written incorrectly`, 'export or copy the model again');
  if (proto.irVersion >= 3n && proto.opsetImport.length === 0) throw fail('it has no opset_import');
  if (graph.output.length === 0) throw fail('its graph has no outputs');
  const known = new Set<string>(['']);
  for (const v of graph.input) known.add(v.name);
  for (const t of graph.initializer) known.add(t.name);
  for (const s of graph.sparseInitializer) if (s.values) known.add(s.values.name);
  for (const node of graph.node) for (const o of node.output) known.add(o);
  for (const node of graph.node) {
    for (const input of node.input) {
      if (!known.has(input)) throw fail(`node '${node.name || node.opType}' reads '${input}', which nothing in the graph defines`);
    }
  }
  for (const out of graph.output) {
    if (!known.has(out.name)) throw fail(`graph output '${out.name}' is not produced by any node`);
  }
}
