/**
 * Small constructors for ONNX protobuf messages: used where quantgate writes graphs (the
 * quantizer's Q/DQ nodes, the runtime probe, the demo) and by tests that generate fixtures.
 */
import { create } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType as AttributeType,
  TensorProto_DataType,
  AttributeProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  TensorShapeProtoSchema,
  TensorShapeProto_DimensionSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from 'onnx-buf';
import type { Dim } from './signature.js';

/** A tensor ValueInfo; `shape` null leaves the shape out (rank unknown). */
export function valueInfo(name: string, elemType: number, shape: readonly Dim[] | null): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, {
      value: {
        case: 'tensorType',
        value: create(TypeProto_TensorSchema, {
          elemType,
          ...(shape === null
            ? {}
            : {
                shape: create(TensorShapeProtoSchema, {
                  dim: shape.map((d) =>
                    create(TensorShapeProto_DimensionSchema, {
                      value: d === null ? { case: undefined } : typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d },
                    }),
                  ),
                }),
              }),
        }),
      },
    }),
  });
}

export type AttributeValue = number | bigint | string | number[] | bigint[] | TensorProto | GraphProto | { floats: number[] } | { ints: (number | bigint)[] };

/** An attribute from a plain value: integers are INT (bigint or whole number), others FLOAT. */
export function attribute(name: string, value: AttributeValue): AttributeProto {
  if (typeof value === 'bigint') return create(AttributeProtoSchema, { name, type: AttributeType.INT, i: value });
  if (typeof value === 'number') {
    return Number.isInteger(value) && !Object.is(value, -0)
      ? create(AttributeProtoSchema, { name, type: AttributeType.INT, i: BigInt(value) })
      : create(AttributeProtoSchema, { name, type: AttributeType.FLOAT, f: value });
  }
  if (typeof value === 'string') return create(AttributeProtoSchema, { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) });
  if (Array.isArray(value)) return create(AttributeProtoSchema, { name, type: AttributeType.INTS, ints: value.map((v) => BigInt(v)) });
  if ('floats' in value) return create(AttributeProtoSchema, { name, type: AttributeType.FLOATS, floats: value.floats });
  if ('ints' in value) return create(AttributeProtoSchema, { name, type: AttributeType.INTS, ints: value.ints.map((v) => BigInt(v)) });
  if (value.$typeName === 'onnx.TensorProto') return create(AttributeProtoSchema, { name, type: AttributeType.TENSOR, t: value });
  return create(AttributeProtoSchema, { name, type: AttributeType.GRAPH, g: value });
}

export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  options: { name?: string; domain?: string; attributes?: Record<string, AttributeValue> } = {},
): NodeProto {
  return create(NodeProtoSchema, {
    opType,
    input: [...inputs],
    output: [...outputs],
    name: options.name ?? '',
    ...(options.domain !== undefined ? { domain: options.domain } : {}),
    attribute: Object.entries(options.attributes ?? {}).map(([k, v]) => attribute(k, v)),
  });
}

export interface GraphParts {
  name?: string;
  nodes: NodeProto[];
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
  initializers?: TensorProto[];
  valueInfo?: ValueInfoProto[];
}

export function graph(parts: GraphParts): GraphProto {
  return create(GraphProtoSchema, {
    name: parts.name ?? 'graph',
    node: parts.nodes,
    input: parts.inputs,
    output: parts.outputs,
    initializer: parts.initializers ?? [],
    valueInfo: parts.valueInfo ?? [],
  });
}

export function model(g: GraphProto, options: { irVersion?: number; opsets?: Record<string, number>; producer?: string } = {}): ModelProto {
  const opsets = options.opsets ?? { '': 17 };
  return create(ModelProtoSchema, {
    irVersion: BigInt(options.irVersion ?? 8),
    producerName: options.producer ?? 'quantgate',
    opsetImport: Object.entries(opsets).map(([domain, version]) => create(OperatorSetIdProtoSchema, { domain, version: BigInt(version) })),
    graph: g,
  });
}

/** A one-node model (Identity on float[1]) at the given IR and opset: what probes of ONNX Runtime load. */
export function identityModel(irVersion: number, opset: number): ModelProto {
  return model(
    graph({
      name: 'probe',
      nodes: [node('Identity', ['x'], ['y'])],
      inputs: [valueInfo('x', TensorProto_DataType.FLOAT, [1])],
      outputs: [valueInfo('y', TensorProto_DataType.FLOAT, [1])],
    }),
    { irVersion, opsets: { '': opset } },
  );
}
