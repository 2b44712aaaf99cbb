/** Reading node attributes with ONNX's defaults. */
import type { AttributeProto, NodeProto } from 'onnx-buf';

export function findAttribute(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute.find((a) => a.name === name);
}

export function intAttribute(node: NodeProto, name: string, fallback: number): number {
  const a = findAttribute(node, name);
  return a ? Number(a.i) : fallback;
}

export function floatAttribute(node: NodeProto, name: string, fallback: number): number {
  const a = findAttribute(node, name);
  return a ? a.f : fallback;
}

export function intsAttribute(node: NodeProto, name: string): number[] | undefined {
  const a = findAttribute(node, name);
  return a ? a.ints.map(Number) : undefined;
}
