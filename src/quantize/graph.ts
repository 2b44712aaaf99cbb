/**
 * Editing an ONNX graph in place: who produces and who consumes a tensor, unique names, renames
 * that reach into subgraphs, and a topological sort at the end so that passes can append nodes
 * anywhere and still write a valid graph.
 */
import type { GraphProto, NodeProto, TensorProto } from 'onnx-buf';

/** Names a node reads, including outer-scope names its subgraphs (If/Loop/Scan bodies) use. */
export function nodeReads(node: NodeProto): string[] {
  const reads = node.input.filter((n) => n !== '');
  for (const attr of node.attribute) {
    for (const g of [attr.g, ...attr.graphs]) if (g) reads.push(...outerNames(g));
  }
  return reads;
}

/** Names a subgraph uses but does not define: those come from the enclosing scope. */
export function outerNames(graph: GraphProto): string[] {
  const defined = new Set<string>([...graph.input.map((i) => i.name), ...graph.initializer.map((t) => t.name)]);
  const outer = new Set<string>();
  for (const node of graph.node) {
    for (const name of nodeReads(node)) if (!defined.has(name)) outer.add(name);
    for (const o of node.output) defined.add(o);
  }
  for (const o of graph.output) if (!defined.has(o.name)) outer.add(o.name);
  return [...outer];
}

export class GraphEditor {
  private producers?: Map<string, NodeProto>;
  private consumerMap?: Map<string, NodeProto[]>;
  private initializers?: Map<string, TensorProto>;
  private readonly taken = new Set<string>();

  constructor(readonly graph: GraphProto) {
    for (const v of [...graph.input, ...graph.output, ...graph.valueInfo]) this.taken.add(v.name);
    for (const t of graph.initializer) this.taken.add(t.name);
    for (const n of graph.node) {
      this.taken.add(n.name);
      for (const o of n.output) this.taken.add(o);
      for (const i of nodeReads(n)) this.taken.add(i);
    }
  }

  /** Call after changing nodes or initializers directly. */
  invalidate(): void {
    this.producers = undefined;
    this.consumerMap = undefined;
    this.initializers = undefined;
  }

  initializer(name: string): TensorProto | undefined {
    if (!this.initializers) this.initializers = new Map(this.graph.initializer.map((t) => [t.name, t]));
    return this.initializers.get(name);
  }

  producer(tensor: string): NodeProto | undefined {
    if (!this.producers) {
      this.producers = new Map();
      for (const n of this.graph.node) for (const o of n.output) if (o) this.producers.set(o, n);
    }
    return this.producers.get(tensor);
  }

  /** Nodes reading `tensor`, in graph order (a node reading it twice appears once). */
  consumers(tensor: string): NodeProto[] {
    if (!this.consumerMap) {
      this.consumerMap = new Map();
      for (const n of this.graph.node) {
        for (const name of new Set(nodeReads(n))) {
          const list = this.consumerMap.get(name);
          if (list) list.push(n);
          else this.consumerMap.set(name, [n]);
        }
      }
    }
    return this.consumerMap.get(tensor) ?? [];
  }

  isGraphOutput(name: string): boolean {
    return this.graph.output.some((o) => o.name === name);
  }

  isGraphInput(name: string): boolean {
    return this.graph.input.some((i) => i.name === name) && !this.initializer(name);
  }

  /** A tensor or node name not used anywhere in the graph yet, derived from `base`. */
  uniqueName(base: string): string {
    let name = base;
    for (let i = 1; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }

  addInitializer(tensor: TensorProto): void {
    this.taken.add(tensor.name);
    this.graph.initializer.push(tensor);
    this.initializers?.set(tensor.name, tensor);
  }

  /**
   * Removes initializers nothing reads any more (after folding or replacing weights), and their
   * entries among the graph inputs (IR < 4 lists initializers there too).
   */
  dropUnusedInitializers(): void {
    const used = new Set<string>(this.graph.output.map((o) => o.name));
    for (const n of this.graph.node) for (const name of nodeReads(n)) used.add(name);
    const removed = new Set(this.graph.initializer.filter((t) => !used.has(t.name)).map((t) => t.name));
    if (removed.size === 0) return;
    this.graph.initializer = this.graph.initializer.filter((t) => !removed.has(t.name));
    this.graph.input = this.graph.input.filter((i) => !removed.has(i.name));
    this.invalidate();
  }

  removeNodes(nodes: Iterable<NodeProto>): void {
    const gone = new Set(nodes);
    this.graph.node = this.graph.node.filter((n) => !gone.has(n));
    this.invalidate();
  }

  /**
   * Makes every reader of `from` read `to` instead (subgraphs that use it from the outer scope
   * included), except the nodes in `except`. Graph outputs are not renamed.
   */
  redirect(from: string, to: string, except: ReadonlySet<NodeProto> = new Set()): void {
    for (const node of this.consumers(from)) {
      if (except.has(node)) continue;
      renameInNode(node, from, to);
    }
    this.invalidate();
  }

  /**
   * Orders nodes so that every node comes after the producers of what it reads, keeping the
   * existing order wherever it is already valid. Throws on a cycle (a bug in a pass).
   */
  sortTopologically(): void {
    const nodes = this.graph.node;
    const producerIndex = new Map<string, number>();
    nodes.forEach((n, i) => n.output.forEach((o) => o && producerIndex.set(o, i)));
    const pending = nodes.map((n) => new Set(nodeReads(n).map((r) => producerIndex.get(r)).filter((i): i is number => i !== undefined)));
    const dependents = nodes.map(() => [] as number[]);
    pending.forEach((deps, i) => deps.forEach((d) => dependents[d]!.push(i)));
    // A min-heap on the original index keeps the order stable.
    const ready: number[] = [];
    const push = (i: number) => {
      ready.push(i);
      for (let k = ready.length - 1; k > 0 && ready[(k - 1) >> 1]! > ready[k]!; k = (k - 1) >> 1) {
        [ready[k], ready[(k - 1) >> 1]] = [ready[(k - 1) >> 1]!, ready[k]!];
      }
    };
    const pop = (): number => {
      const top = ready[0]!;
      const last = ready.pop()!;
      if (ready.length > 0) {
        ready[0] = last;
        for (let k = 0; ; ) {
          const l = 2 * k + 1;
          const r = l + 1;
          let m = k;
          if (l < ready.length && ready[l]! < ready[m]!) m = l;
          if (r < ready.length && ready[r]! < ready[m]!) m = r;
          if (m === k) break;
          [ready[k], ready[m]] = [ready[m]!, ready[k]!];
          k = m;
        }
      }
      return top;
    };
    pending.forEach((deps, i) => deps.size === 0 && push(i));
    const order: NodeProto[] = [];
    while (ready.length > 0) {
      const i = pop();
      order.push(nodes[i]!);
      for (const d of dependents[i]!) {
        pending[d]!.delete(i);
        if (pending[d]!.size === 0) push(d);
      }
    }
    if (order.length !== nodes.length) throw new Error('the graph has a cycle after editing');
    this.graph.node = order;
    this.invalidate();
  }
}

/** Renames reads of `from` in a node and in the subgraphs it holds (where not shadowed). */
export function renameInNode(node: NodeProto, from: string, to: string): void {
  node.input = node.input.map((n) => (n === from ? to : n));
  for (const attr of node.attribute) {
    for (const g of [attr.g, ...attr.graphs]) if (g) renameOuterInGraph(g, from, to);
  }
}

function renameOuterInGraph(graph: GraphProto, from: string, to: string): void {
  const shadowed = graph.input.some((i) => i.name === from) || graph.initializer.some((t) => t.name === from);
  if (shadowed) return;
  for (const node of graph.node) {
    if (node.output.includes(from)) return;
    renameInNode(node, from, to);
  }
  for (const o of graph.output) if (o.name === from) o.name = to;
}
