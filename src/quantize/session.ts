/**
 * ONNX Runtime sessions over edited copies of a model (calibration graphs with extra outputs, the
 * sensitivity graph). A model without external data is handed over in memory; one with external
 * data is written to a temporary folder first, with its data copied along, because a session
 * created from bytes cannot find external files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import type { ModelProto } from 'onnx-buf';
import { encodeModel } from '../model/encode.js';
import type { OnnxModel } from '../model/model.js';
import { writeModel } from '../model/write.js';
import { loadOrt } from '../runtime/onnxruntime/load.js';
import { spinningConfig } from '../runtime/onnxruntime/session-options.js';

export interface EditedSession {
  session: InferenceSession;
  dispose(): Promise<void>;
}

export interface EditedSessionOptions {
  threads?: number;
  /** 'disabled' runs Q/DQ pairs as written (the unfused simulation of TensorRT's numerics). */
  optimization?: 'all' | 'disabled';
  /** Threads park when a run returns (`session.force_spinning_stop`): for sessions timed in turns. */
  stopSpinningAfterRun?: boolean;
}

export async function openEditedSession(proto: ModelProto, source: OnnxModel, options: EditedSessionOptions = {}): Promise<EditedSession> {
  const ort = await loadOrt();
  const sessionOptions: InferenceSession.SessionOptions = {
    graphOptimizationLevel: options.optimization ?? 'all',
    logSeverityLevel: 3,
    interOpNumThreads: 1,
    ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
    extra: spinningConfig({ allowSpinning: true, stopSpinningAfterRun: options.stopSpinningAfterRun ?? false }),
  };
  if (source.externalFiles.size === 0) {
    const session = await ort.InferenceSession.create(encodeModel(proto), sessionOptions);
    return { session, dispose: () => session.release() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'quantgate-session-'));
  try {
    const path = join(dir, 'model.onnx');
    writeModel(proto, path, source);
    const session = await ort.InferenceSession.create(path, sessionOptions);
    return {
      session,
      dispose: async () => {
        await session.release();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
