// The .npy reader: every format version and dtype numpy writes, and every file it must refuse,
// each refusal naming the file and the numpy one-liner that fixes it.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openDataSet } from '../../src/data/open.ts';
import { encodeNpy } from '../../src/data/npy-write.ts';
import { isNpyProblem, npyDataOffset, parseNpyHeader, type NpyHeader } from '../../src/data/npy.ts';
import { readNpyFileHeader } from '../../src/data/npy-files.ts';
import { collect, DataType, expectBadInput, FIXTURES, signature } from '../fixtures/data/helpers.ts';
import { tempDir } from '../helpers/tmp.ts';

const arrays = join(FIXTURES, 'arrays');
const dir = tempDir();

function header(bytes: Uint8Array): NpyHeader {
  const parsed = parseNpyHeader(bytes);
  assert.ok(!isNpyProblem(parsed), `parsed: ${JSON.stringify(parsed)}`);
  return parsed;
}

describe('npy headers', () => {
  for (const version of ['1', '2', '3']) {
    it(`reads format version ${version}.0 as numpy writes it`, async () => {
      const h = await readNpyFileHeader(join(arrays, `v${version}.npy`), '--calibration-data');
      assert.equal(h.version, `${version}.0`);
      assert.equal(h.dataType, DataType.FLOAT);
      assert.deepEqual(h.shape, [2, 3]);
      assert.equal(h.dataBytes, 24);
      assert.equal(h.dataOffset % 16, 0, 'numpy aligns the values');
      const data = readFileSync(join(arrays, `v${version}.npy`));
      assert.deepEqual([...new Float32Array(data.buffer.slice(data.byteOffset + h.dataOffset, data.byteOffset + h.dataOffset + 24))], [0, 1, 2, 3, 4, 5]);
    });
  }

  const dtypes: [string, number][] = [
    ['float16', DataType.FLOAT16],
    ['float32', DataType.FLOAT],
    ['float64', DataType.DOUBLE],
    ['int8', DataType.INT8],
    ['uint8', DataType.UINT8],
    ['int16', DataType.INT16],
    ['uint16', DataType.UINT16],
    ['int32', DataType.INT32],
    ['uint32', DataType.UINT32],
    ['int64', DataType.INT64],
    ['uint64', DataType.UINT64],
    ['bool', DataType.BOOL],
  ];
  for (const [name, dataType] of dtypes) {
    it(`reads numpy's ${name} values`, async () => {
      const file = join(arrays, `dtype-${name}.npy`);
      const data = await openDataSet(file, { what: '--calibration-data', inputs: [signature('x', name, ['batch', 3])] });
      assert.equal(data.inputs[0]!.dataType, dataType);
      const { values, dims, sizes } = await collect(data, 2);
      assert.deepEqual(sizes, [2]);
      assert.deepEqual(dims, [[2, 3]]);
      // float16 arrives as its bit pattern: 0..5 are 0x0000, 0x3c00, 0x4000, 0x4200, 0x4400, 0x4500.
      const expected = name === 'bool' ? [0, 1, 0, 1, 0, 1] : name === 'float16' ? [0, 0x3c00, 0x4000, 0x4200, 0x4400, 0x4500] : [0, 1, 2, 3, 4, 5];
      assert.deepEqual(values, expected);
    });
  }

  it('reads what encodeNpy writes: scalar, 1-D and n-D shapes', () => {
    for (const dims of [[], [5], [2, 3, 4]]) {
      const count = dims.reduce((a, b) => a * b, 1);
      const h = header(encodeNpy({ dataType: DataType.FLOAT, dims, data: new Float32Array(count) }));
      assert.deepEqual(h.shape, dims);
      assert.equal(h.dataOffset, 64 * Math.ceil(h.dataOffset / 64));
    }
  });

  it('needs only the first 12 bytes to know where the values start', () => {
    const bytes = encodeNpy({ dataType: DataType.INT64, dims: [3], data: new BigInt64Array(3) });
    assert.equal(npyDataOffset(bytes.subarray(0, 12)), header(bytes).dataOffset);
    assert.equal(bytes.byteLength, header(bytes).dataOffset + 24);
  });
});

describe('npy files quantgate refuses, each with the fix', () => {
  const input = [signature('x', 'float32', ['batch', 3])];
  const open = (file: string) => () => openDataSet(file, { what: '--calibration-data', inputs: input });
  const cases: { file: string; problem: RegExp; fix: RegExp }[] = [
    { file: 'big-endian.npy', problem: /big-endian values \(dtype '>f4'\)/, fix: /astype\('<f4'\)/ },
    { file: 'fortran.npy', problem: /Fortran \(column-major\) order/, fix: /np\.ascontiguousarray\(a\)/ },
    { file: 'object.npy', problem: /Python objects.*never unpickles/, fix: /np\.asarray\(values, dtype=np\.float32\)/ },
    { file: 'structured.npy', problem: /structured array/, fix: /np\.savez\('data\.npz'/ },
    { file: 'complex.npy', problem: /dtype '<c8' is not a numeric type/, fix: /astype\(np\.float32\)/ },
    { file: 'unicode.npy', problem: /dtype '<U3' is not a numeric type/, fix: /astype\(np\.float32\)/ },
  ];
  for (const c of cases) {
    it(c.file, async () => {
      const file = join(dir, c.file);
      copyFileSync(join(arrays, c.file), file);
      const error = await expectBadInput(open(file), { names: file, problem: c.problem, fix: c.fix });
      assert.match(error.message, /^--calibration-data /, 'the message names the flag');
    });
  }

  it('the one-liner in the fix rewrites the file in place', async () => {
    const file = join(dir, 'rewrite.npy');
    copyFileSync(join(arrays, 'big-endian.npy'), file);
    const error = await expectBadInput(open(file), { names: file, problem: /big-endian/, fix: /python3 -c/ });
    assert.ok(error.fix.includes(`np.save('${file}', a.astype('<f4'))`), error.fix);
  });

  const good = encodeNpy({ dataType: DataType.FLOAT, dims: [4, 3], data: new Float32Array(12) }); // 128 header bytes + 48
  const truncations: { name: string; bytes: Uint8Array; problem: RegExp }[] = [
    { name: 'cut in the values', bytes: good.subarray(0, good.byteLength - 5), problem: /truncated: it holds 171 bytes where its header needs 176/ },
    { name: 'cut in the header', bytes: good.subarray(0, 40), problem: /truncated: it holds 40 bytes where its header needs 128/ },
    { name: 'cut in the magic', bytes: good.subarray(0, 4), problem: /not a \.npy file/ },
    { name: 'empty', bytes: new Uint8Array(), problem: /not a \.npy file/ },
  ];
  for (const t of truncations) {
    it(`a truncated file: ${t.name}`, async () => {
      const file = join(dir, `cut-${t.name.replace(/\W+/g, '-')}.npy`);
      writeFileSync(file, t.bytes);
      await expectBadInput(open(file), { names: file, problem: t.problem, fix: /write|copy/ });
    });
  }

  it('an unknown format version', async () => {
    const bytes = new Uint8Array(good);
    bytes[6] = 4;
    const file = join(dir, 'v4.npy');
    writeFileSync(file, bytes);
    await expectBadInput(open(file), { names: file, problem: /format version 4\.0; quantgate reads versions 1\.0, 2\.0 and 3\.0/, fix: /current numpy/ });
  });

  it('a header that is not numpy\'s dict', async () => {
    const bytes = new Uint8Array(good);
    bytes.set(new TextEncoder().encode("{'desc': '<f4'"), 10);
    const file = join(dir, 'mangled.npy');
    writeFileSync(file, bytes);
    await expectBadInput(open(file), { names: file, problem: /header \(\d+ bytes\) is not numpy's dict/, fix: /np\.save/ });
  });
});
