// Where the benchmarks find their models and data: bench/.models (bench/models/make_all.sh writes
// it), or the folder QUANTGATE_BENCH_MODELS names. CI makes small models there
// (QUANTGATE_BENCH_SMALL=1 make_all.sh) and runs every benchmark command on them, so a command the
// README cites cannot rot between the full runs that give its figures.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchModels = process.env.QUANTGATE_BENCH_MODELS ? resolve(process.env.QUANTGATE_BENCH_MODELS) : join(dirname(fileURLToPath(import.meta.url)), '.models');
