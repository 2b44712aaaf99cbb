/**
 * Recognises files that are commonly passed where an ONNX model belongs, so the message can say
 * what the file is and how to get an ONNX model from it, rather than "protobuf decode failed".
 */
import { msg, opt, type Text } from '../message.js';

export interface SniffResult {
  what: string;
  fix: Text;
}

const EXPORT_FIX = msg`export it to ONNX first (torch.onnx.export), or let quantgate run your export script with ${opt('export-command')}`;

export function sniffNonOnnx(head: Uint8Array): SniffResult | undefined {
  const ascii = Buffer.from(head.subarray(0, 64)).toString('latin1');
  if (ascii.startsWith('PK\x03\x04')) return { what: 'a zip archive (a PyTorch checkpoint saved with torch.save is one)', fix: EXPORT_FIX };
  if (head[0] === 0x80 && head[1] !== undefined && head[1] >= 2 && head[1] <= 5) return { what: 'a Python pickle (a PyTorch checkpoint?)', fix: EXPORT_FIX };
  if (ascii.startsWith('\x89HDF')) return { what: 'an HDF5 file (a Keras model?)', fix: 'convert it to ONNX first (tf2onnx)' };
  if (ascii.startsWith('ftrt') || ascii.slice(4, 8) === 'ftrt') {
    return { what: 'a serialized TensorRT engine', fix: 'pass the ONNX model the engine was built from; quantgate builds engines itself' };
  }
  if (head.byteLength >= 10 && ascii.slice(8, 10) === '{"') return { what: 'a safetensors file', fix: 'export the model to ONNX first' };
  if (/^\s*[{[]/.test(ascii)) return { what: 'a JSON file', fix: 'pass the .onnx model file' };
  if (/^\s*(<|ir_version|#|import |def )/.test(ascii)) return { what: 'a text file', fix: 'pass the binary .onnx model file' };
  return undefined;
}
