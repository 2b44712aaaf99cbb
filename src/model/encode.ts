/**
 * Protobuf encoding of ONNX models without copying their weights.
 *
 * protobuf-es's `toBinary` builds each nested message into a buffer of its own and copies it
 * into its parent, so encoding a 100 MB model holds several copies of the weights at once (4x the
 * file size measured on ResNet50). Here every message that carries a large `bytes` field
 * (`raw_data`) somewhere below it is split at those fields: the runs of small fields between them
 * are still encoded by `toBinary` (so the bytes are exactly protobuf-es's, which writes fields in
 * field-number order as C++ protobuf does), and the large fields are emitted as references to
 * the caller's buffers. The result is a list of chunks whose concatenation equals
 * `toBinary(schema, message)`, which the conformance tests check on every model of ONNX's
 * backend test data.
 */
import { create, isFieldSet, toBinary, type DescField, type DescMessage, type Message } from '@bufbuild/protobuf';
import { ModelProtoSchema, type ModelProto } from 'onnx-buf';

/** Byte fields at least this long are passed through by reference. */
const LARGE_BYTES = 64 * 1024;

type AnyMessage = Message & Record<string, unknown>;

const sortedFieldsCache = new WeakMap<DescMessage, DescField[]>();
function sortedFields(schema: DescMessage): DescField[] {
  let fields = sortedFieldsCache.get(schema);
  if (!fields) {
    fields = schema.fields.concat().sort((a, b) => a.number - b.number);
    sortedFieldsCache.set(schema, fields);
  }
  return fields;
}

function fieldValue(message: AnyMessage, field: DescField): unknown {
  if (field.oneof) {
    const oneof = message[field.oneof.localName] as { case?: string; value?: unknown };
    return oneof.case === field.localName ? oneof.value : undefined;
  }
  return message[field.localName];
}

/** Does this field, in this message, hold a large byte string somewhere inside it? */
function isLargeField(field: DescField, message: AnyMessage): boolean {
  if (field.fieldKind === 'scalar') {
    const value = fieldValue(message, field);
    return value instanceof Uint8Array && value.byteLength >= LARGE_BYTES;
  }
  // Groups (delimited encoding) do not occur in ONNX; leave them to toBinary.
  if (field.fieldKind === 'message' && !field.delimitedEncoding) {
    const child = fieldValue(message, field) as AnyMessage | undefined;
    return child !== undefined && holdsLargeBytes(field.message, child);
  }
  if (field.fieldKind === 'list' && field.listKind === 'message' && !field.delimitedEncoding) {
    const items = message[field.localName] as AnyMessage[];
    return items.some((item) => holdsLargeBytes(field.message, item));
  }
  return false;
}

// Reset by every encodeChunks call: messages may have been edited since the last encoding.
let largeCache = new WeakMap<object, boolean>();
function holdsLargeBytes(schema: DescMessage, message: AnyMessage): boolean {
  let large = largeCache.get(message);
  if (large === undefined) {
    large = sortedFields(schema).some((f) => isFieldSet(message, f) && isLargeField(f, message));
    largeCache.set(message, large);
  }
  return large;
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  // Lengths can pass 2^32 in principle, so no 32-bit shifts.
  while (value >= 0x80) {
    bytes.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  bytes.push(value);
  return bytes;
}

/** Tag with wire type 2 (length-delimited) followed by the length. */
function delimitedHeader(fieldNumber: number, length: number): Uint8Array {
  return Uint8Array.from([...varint(fieldNumber * 8 + 2), ...varint(length)]);
}

/** A copy of `message` holding only `fields` (and, if asked, the unknown fields): same values, not cloned. */
function partialMessage(schema: DescMessage, message: AnyMessage, fields: DescField[], withUnknown: boolean): AnyMessage {
  const part = create(schema) as AnyMessage;
  for (const field of fields) {
    const key = field.oneof ? field.oneof.localName : field.localName;
    part[key] = message[key];
  }
  if (withUnknown && message.$unknown) part.$unknown = message.$unknown;
  return part;
}

function emitMessage(schema: DescMessage, message: AnyMessage, out: Uint8Array[]): number {
  if (!holdsLargeBytes(schema, message)) {
    const bytes = toBinary(schema, message);
    out.push(bytes);
    return bytes.byteLength;
  }
  let total = 0;
  let run: DescField[] = [];
  const flush = (withUnknown: boolean): void => {
    if (run.length === 0 && !(withUnknown && message.$unknown?.length)) return;
    const bytes = toBinary(schema, partialMessage(schema, message, run, withUnknown));
    if (bytes.byteLength > 0) out.push(bytes);
    total += bytes.byteLength;
    run = [];
  };
  for (const field of sortedFields(schema)) {
    if (!isFieldSet(message, field)) continue;
    if (!isLargeField(field, message)) {
      run.push(field);
      continue;
    }
    flush(false);
    total += emitLargeField(field, message, out);
  }
  // protobuf-es, like C++ protobuf, writes unknown fields after all known ones.
  flush(true);
  return total;
}

function emitChild(fieldNumber: number, schema: DescMessage, child: AnyMessage, out: Uint8Array[]): number {
  const inner: Uint8Array[] = [];
  const length = emitMessage(schema, child, inner);
  const header = delimitedHeader(fieldNumber, length);
  out.push(header);
  for (const chunk of inner) out.push(chunk);
  return header.byteLength + length;
}

function emitLargeField(field: DescField, message: AnyMessage, out: Uint8Array[]): number {
  if (field.fieldKind === 'scalar') {
    const bytes = fieldValue(message, field) as Uint8Array;
    const header = delimitedHeader(field.number, bytes.byteLength);
    out.push(header, bytes);
    return header.byteLength + bytes.byteLength;
  }
  if (field.fieldKind === 'message') {
    return emitChild(field.number, field.message, fieldValue(message, field) as AnyMessage, out);
  }
  if (field.fieldKind === 'list' && field.listKind === 'message') {
    let total = 0;
    for (const item of message[field.localName] as AnyMessage[]) total += emitChild(field.number, field.message, item, out);
    return total;
  }
  throw new Error(`encode: field ${field.toString()} cannot be large`);
}

/**
 * Encodes `message` as protobuf. The chunks concatenate to exactly `toBinary(schema, message)`;
 * large byte fields are the caller's own buffers, not copies.
 */
export function encodeChunks<Desc extends DescMessage>(schema: Desc, message: Message): Uint8Array[] {
  const out: Uint8Array[] = [];
  largeCache = new WeakMap();
  emitMessage(schema, message as AnyMessage, out);
  return out;
}

export function totalLength(chunks: readonly Uint8Array[]): number {
  let n = 0;
  for (const c of chunks) n += c.byteLength;
  return n;
}

/** A whole model as one buffer, for handing to ONNX Runtime in memory (weights copied once). */
export function encodeModel(model: ModelProto): Uint8Array {
  return concatChunks(encodeChunks(ModelProtoSchema, model));
}

/** Joins chunks into one buffer, for callers that need the model in memory (small models). */
export function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(totalLength(chunks));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
