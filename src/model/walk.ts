/**
 * Visitors over everything an ONNX model nests: the main graph, subgraphs in node attributes
 * (If/Loop/Scan bodies), functions and training graphs. Stages that must see every tensor
 * (external-data checks, parameter counts) or every node (op counts) use these rather than
 * looking at `graph.initializer` alone.
 */
import type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto } from 'onnx-buf';

/** Where something was found, for messages: "graph", "graph/node 'If_3'/then_branch", "function 'Foo'". */
export type Scope = string;

export function forEachGraph(model: ModelProto, visit: (graph: GraphProto, scope: Scope) => void): void {
  const walkGraph = (graph: GraphProto, scope: Scope): void => {
    visit(graph, scope);
    for (const node of graph.node) walkNodeSubgraphs(node, `${scope}/node '${node.name || node.opType}'`, walkGraph);
  };
  if (model.graph) walkGraph(model.graph, 'graph');
  for (const fn of model.functions) {
    for (const node of fn.node) walkNodeSubgraphs(node, `function '${fn.name}'/node '${node.name || node.opType}'`, walkGraph);
  }
  model.trainingInfo.forEach((info, i) => {
    if (info.initialization) walkGraph(info.initialization, `trainingInfo[${i}].initialization`);
    if (info.algorithm) walkGraph(info.algorithm, `trainingInfo[${i}].algorithm`);
  });
}

function walkNodeSubgraphs(node: NodeProto, scope: Scope, walkGraph: (g: GraphProto, s: Scope) => void): void {
  for (const attr of node.attribute) {
    if (attr.g) walkGraph(attr.g, `${scope}/${attr.name}`);
    attr.graphs.forEach((g, i) => walkGraph(g, `${scope}/${attr.name}[${i}]`));
  }
}

/** Every node of every graph and function, with the scope it is in. */
export function forEachNode(model: ModelProto, visit: (node: NodeProto, scope: Scope) => void): void {
  forEachGraph(model, (graph, scope) => {
    for (const node of graph.node) visit(node, scope);
  });
  for (const fn of model.functions) for (const node of fn.node) visit(node, `function '${fn.name}'`);
}

function attributeTensors(attr: AttributeProto): TensorProto[] {
  const out: TensorProto[] = [];
  if (attr.t) out.push(attr.t);
  out.push(...attr.tensors);
  if (attr.sparseTensor) for (const t of [attr.sparseTensor.values, attr.sparseTensor.indices]) if (t) out.push(t);
  for (const s of attr.sparseTensors) for (const t of [s.values, s.indices]) if (t) out.push(t);
  return out;
}

/**
 * Every TensorProto that holds data: initializers, sparse initializers, and tensors inside node
 * attributes (Constant values), in graphs, subgraphs and functions.
 */
export function forEachTensor(model: ModelProto, visit: (tensor: TensorProto, scope: Scope) => void): void {
  forEachGraph(model, (graph, scope) => {
    for (const t of graph.initializer) visit(t, `${scope}/initializer '${t.name}'`);
    for (const s of graph.sparseInitializer) {
      for (const t of [s.values, s.indices]) if (t) visit(t, `${scope}/sparse initializer '${s.values?.name ?? ''}'`);
    }
    for (const node of graph.node) {
      for (const attr of node.attribute) {
        for (const t of attributeTensors(attr)) visit(t, `${scope}/node '${node.name || node.opType}'/${attr.name}`);
      }
    }
  });
  for (const fn of model.functions) {
    for (const node of fn.node) {
      for (const attr of node.attribute) {
        for (const t of attributeTensors(attr)) visit(t, `function '${fn.name}'/node '${node.name || node.opType}'/${attr.name}`);
      }
    }
  }
}
