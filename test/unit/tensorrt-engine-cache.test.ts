// The engine cache: keys cover model, TensorRT version, GPU and options; only engines this
// runner built (in its manifest, bytes hashing to the recorded sha256) are handed out; an engine
// of another TensorRT or GPU is rebuilt, never loaded; a file dropped in or edited is refused.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EngineCache, engineCacheKey, type EngineKeyInput, isVerifiedEngine } from '../../src/runtime/tensorrt/engine-cache.ts';
import { tempDir } from '../helpers/tmp.ts';

const h100 = { name: 'NVIDIA H100 80GB HBM3', computeCapability: '9.0', uuid: 'GPU-aaaa' };
const key = (overrides: Partial<EngineKeyInput> = {}): EngineKeyInput => ({
  modelSha256: 'b'.repeat(64),
  tensorrtVersion: '10.13.0',
  gpu: h100,
  options: { workspaceBytes: 1 << 30, profiles: [[{ input: 'x', min: [1, 3], opt: [4, 3], max: [8, 3] }]], variant: 'int8.trt' },
  ...overrides,
});
const engine = new Uint8Array([0x66, 0x74, 0x72, 0x74, 1, 2, 3, 4]);

describe('engineCacheKey', () => {
  it('changes with each part of what makes an engine', () => {
    const base = engineCacheKey(key());
    const variants = [
      key({ modelSha256: 'c'.repeat(64) }),
      key({ tensorrtVersion: '10.13.1' }),
      key({ gpu: { ...h100, name: 'NVIDIA H200' } }),
      key({ gpu: { ...h100, computeCapability: '9.1' } }),
      key({ gpu: { ...h100, uuid: 'GPU-bbbb' } }),
      key({ options: { ...key().options, workspaceBytes: 1 << 29 } }),
      key({ options: { ...key().options, variant: 'fp16' } }),
      key({ options: { ...key().options, profiles: [[{ input: 'x', min: [1, 3], opt: [4, 3], max: [16, 3] }]] } }),
    ];
    const keys = new Set([base, ...variants.map(engineCacheKey)]);
    assert.equal(keys.size, variants.length + 1);
    assert.match(base, /^[0-9a-f]{64}$/);
  });

  it('does not depend on the order of option keys', () => {
    const a = key({ options: { workspaceBytes: 1, optimizationLevel: 3 } });
    const b = key({ options: { optimizationLevel: 3, workspaceBytes: 1 } });
    assert.equal(engineCacheKey(a), engineCacheKey(b));
  });
});

describe('EngineCache', () => {
  it('hands back an engine it stored, verified', async () => {
    const cache = new EngineCache(tempDir(), () => new Date('2026-01-01T00:00:00Z'));
    const stored = await cache.store(key(), engine);
    assert.ok(isVerifiedEngine(stored));
    const found = await cache.lookup(key());
    assert.equal(found.status, 'hit');
    if (found.status === 'hit') {
      assert.deepEqual([...found.engine.bytes], [...engine]);
      assert.equal(found.engine.sha256, stored.sha256);
    }
  });

  it('misses for another TensorRT version and says the cached one will be rebuilt', async () => {
    const cache = new EngineCache(tempDir());
    await cache.store(key({ tensorrtVersion: '10.12.0' }), engine);
    const found = await cache.lookup(key());
    assert.deepEqual(found, { status: 'miss', reason: 'the cached engine was built by TensorRT 10.12.0, this is 10.13.0: rebuilding', stale: true });
  });

  it('misses for another GPU', async () => {
    const cache = new EngineCache(tempDir());
    await cache.store(key({ gpu: { name: 'NVIDIA A100-SXM4-80GB', computeCapability: '8.0', uuid: 'GPU-cccc' } }), engine);
    const found = await cache.lookup(key());
    assert.equal(found.status, 'miss');
    if (found.status === 'miss') assert.match(found.reason, /built on NVIDIA A100-SXM4-80GB \(compute 8\.0\), this is NVIDIA H100 80GB HBM3 \(compute 9\.0\): rebuilding/);
  });

  it('refuses an engine whose bytes changed after it was built', async () => {
    const dir = tempDir();
    const cache = new EngineCache(dir);
    await cache.store(key(), engine);
    const file = join(dir, 'engines', readdirSync(join(dir, 'engines'))[0]!);
    writeFileSync(file, new Uint8Array([...engine, 0x90]));
    const found = await cache.lookup(key());
    assert.equal(found.status, 'refused');
    if (found.status === 'refused') assert.match(found.reason, /does not match/);
  });

  it('never loads an engine file it did not record (e.g. one copied from an artifact)', async () => {
    const dir = tempDir();
    const cache = new EngineCache(dir);
    await cache.store(key({ modelSha256: 'd'.repeat(64) }), engine);
    // Someone drops a file named for the key we will ask for.
    writeFileSync(join(dir, 'engines', `${engineCacheKey(key())}.engine`), engine);
    assert.equal((await cache.lookup(key())).status, 'miss');
  });

  it('refuses a manifest entry that claims another TensorRT under this key', async () => {
    const dir = tempDir();
    const cache = new EngineCache(dir);
    await cache.store(key(), engine);
    const manifestPath = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    for (const entry of Object.values(manifest.engines) as { tensorrtVersion: string }[]) entry.tensorrtVersion = '9.3.0';
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const found = await cache.lookup(key());
    assert.deepEqual(found, { status: 'refused', reason: 'the cached engine was built by TensorRT 9.3.0 on NVIDIA H100 80GB HBM3 (compute 9.0)' });
  });

  it('treats an unreadable manifest as empty', async () => {
    const dir = tempDir();
    const cache = new EngineCache(dir);
    await cache.store(key(), engine);
    writeFileSync(join(dir, 'manifest.json'), '{not json');
    assert.equal((await cache.lookup(key())).status, 'miss');
  });

  it('forgets an engine', async () => {
    const cache = new EngineCache(tempDir());
    const stored = await cache.store(key(), engine);
    await cache.forget(stored.key);
    assert.equal((await cache.lookup(key())).status, 'miss');
  });

  it('keeps one timing cache per TensorRT version and GPU', async () => {
    const cache = new EngineCache(tempDir());
    assert.equal(await cache.readTimingCache('10.13.0', h100), null);
    await cache.writeTimingCache('10.13.0', h100, new Uint8Array([1, 2]));
    assert.deepEqual([...(await cache.readTimingCache('10.13.0', h100))!], [1, 2]);
    assert.equal(await cache.readTimingCache('11.1.0', h100), null);
    assert.equal(await cache.readTimingCache('10.13.0', { ...h100, uuid: 'GPU-other' }), null);
  });
});
