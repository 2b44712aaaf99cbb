/**
 * ONNX's own checker (Python `onnx`, `onnx.checker.check_model(full_check=True)`: the schema of
 * every node and strict type and shape inference) over models quantgate wrote. The Python comes
 * from QUANTGATE_TEST_PYTHON or `python3`; `pip install onnx==1.17.0` gives a checker for IR ≤ 10
 * (PyPI's newest writes IR 13 and checks older IRs too). Where Python has no `onnx`, tests skip with
 * the reason.
 */
import { spawnSync } from 'node:child_process';

const python = process.env.QUANTGATE_TEST_PYTHON || 'python3';

/** The checker's onnx version and highest IR, or why it cannot run. */
export function onnxCheckerAvailable(): { version: string; ir: number } | { missing: string } {
  const r = spawnSync(python, ['-c', 'import onnx; print(onnx.__version__, onnx.IR_VERSION)'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    return { missing: `${python} has no onnx (pip install onnx==1.17.0, or point QUANTGATE_TEST_PYTHON at a Python that has it)` };
  }
  const [version, ir] = r.stdout.trim().split(' ');
  return { version: version!, ir: Number(ir) };
}

/** Runs the full check on each path; returns the checker's error message, or null when all pass. */
export function checkWithOnnx(paths: string[]): string | null {
  const code = 'import sys, onnx\nfor p in sys.argv[1:]:\n    onnx.checker.check_model(p, full_check=True)';
  const r = spawnSync(python, ['-c', code, ...paths], { encoding: 'utf8' });
  return r.status === 0 ? null : r.stderr.trim().split('\n').slice(-3).join('\n');
}
