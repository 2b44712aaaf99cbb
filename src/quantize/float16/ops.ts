/**
 * What the float16 conversion knows of each op: which are numerically fragile in float16 (kept in
 * float32), which only move values (their integer inputs are indices or shapes, not results),
 * which read nothing but a shape, and which have no float16 form in ONNX's operator schemas.
 *
 * The lists follow the same reading of float16's limits as NVIDIA ModelOpt's AutoCast and
 * onnxconverter-common's float16 converter, written here from that reading: float16 ends at
 * 65504, resolves about 3 decimal digits, and flushes magnitudes below 6e-8 to zero. Exponentials
 * overflow from e^11 on; sums over many values (reductions, normalisations, Softmax's
 * denominator) lose the small terms; variances and their reciprocals reach the bottom of the range.
 */

/** Ops kept in float32 whatever their data, with why (the reason the report gives). */
export const FRAGILE: ReadonlyMap<string, string> = new Map([
  ...['Softmax', 'LogSoftmax'].map((op) => [op, 'exponentials summed over an axis: float16 overflows from e^11 and loses the small terms'] as const),
  ...['LayerNormalization', 'GroupNormalization', 'InstanceNormalization', 'BatchNormalization', 'LpNormalization', 'MeanVarianceNormalization', 'RMSNormalization', 'LRN'].map(
    (op) => [op, 'a normalisation: means and variances over many values, then a reciprocal square root'] as const,
  ),
  ...['ReduceMean', 'ReduceSum', 'ReduceSumSquare', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceProd', 'CumSum', 'GlobalAveragePool', 'GlobalLpPool', 'LpPool'].map(
    (op) => [op, 'a reduction: a sum over many values loses the small ones in float16 and can pass 65504'] as const,
  ),
  ['Exp', 'an exponential: float16 overflows from e^11'],
  ['Softplus', 'an exponential inside: float16 overflows from e^11'],
  ['Pow', 'a power: float16 leaves its range quickly (x² passes 65504 from |x| = 256)'],
  ['Log', 'a logarithm: float16 rounds its small inputs coarsely or to zero'],
  ['Sqrt', 'a square root, usually of a variance near float16\'s smallest values'],
  ['Reciprocal', 'a reciprocal: of a small value it passes 65504'],
]);

/** Div is fragile unless its divisor is a constant no smaller than 1 in magnitude (it cannot grow). */
export const DIV_REASON = 'a division by a value that can be small: the quotient can pass 65504';

/**
 * Ops whose float outputs are float inputs moved, selected or repeated: their integer and boolean
 * inputs are shapes, axes, indices or masks, so float16 changes nothing they decide.
 */
export const MOVES_VALUES: ReadonlySet<string> = new Set([
  'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Transpose', 'Slice', 'Gather', 'GatherElements', 'GatherND', 'Concat', 'Split', 'Expand',
  'Tile', 'Pad', 'Identity', 'DepthToSpace', 'SpaceToDepth', 'ScatterND', 'ScatterElements', 'Where', 'Compress', 'Trilu', 'ReverseSequence',
  'Dropout', 'MaxPool', 'Resize', 'CenterCropPad', 'OneHot',
]);

/** Ops that read only their input's shape: they take it in whatever type it has. */
export const READS_SHAPE_ONLY: ReadonlySet<string> = new Set(['Shape', 'Size']);

/**
 * Ops whose result is an integer decision on float values (an index, a comparison, a rounding):
 * float16's rounding of their inputs would change it, and the indices must match FP32's.
 */
export const DECIDES: ReadonlySet<string> = new Set([
  'ArgMax', 'ArgMin', 'TopK', 'Hardmax', 'Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'IsInf', 'IsNaN', 'NonZero', 'Round',
  'Floor', 'Ceil', 'Sign', 'NonMaxSuppression',
]);

/** Ops whose output type an attribute fixes (`to`, `dtype`, or float32 by default): they cannot follow their inputs. */
export const TYPE_FROM_ATTRIBUTE: ReadonlySet<string> = new Set(['Cast', 'EyeLike', 'RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Bernoulli']);

/** Ops with no float16 type in ONNX's schemas (at any opset quantgate writes). */
export const NO_FLOAT16: ReadonlySet<string> = new Set(['Celu', 'Range', 'NonMaxSuppression', 'Upsample', 'Multinomial']);

/** Inputs that ONNX types as float32 whatever the op's precision: op → input indices. */
export const FLOAT32_INPUTS: ReadonlyMap<string, readonly number[]> = new Map([
  // Resize's scales are tensor(float) in every version.
  ['Resize', [2]],
]);

/** Ops whose cost is their arithmetic: never pulled into float32 just to save Casts. */
export const COMPUTE_HEAVY: ReadonlySet<string> = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'Einsum', 'Attention', 'LSTM', 'GRU', 'RNN']);
