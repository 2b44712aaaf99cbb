// package.json overrides content-type (3.x needs Node 22) with 2.1.0 for Node 20: the one caller,
// @octokit/request (under @actions/artifact), must still parse GitHub's response bodies the same
// way. Real request code, real HTTP from a local server.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { request } from '@octokit/request';

const server = createServer((req, res) => {
  if (req.url === '/json') {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end('{"id":7}');
  } else if (req.url === '/text') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8' });
    res.end('hello');
  } else {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(Buffer.from([1, 2, 3]));
  }
});
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
after(() => server.close());
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

test('the installed content-type is the override, which runs on Node 20', () => {
  // Resolved from @octokit/request, as it resolves it; the package's exports hide package.json.
  const octokit = createRequire(import.meta.url).resolve('@octokit/request');
  const entry = createRequire(octokit).resolve('content-type');
  const manifest = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string; engines: { node: string } };
  assert.equal(manifest.version, '2.1.0');
  assert.equal(manifest.engines.node, '>=18');
});

test('@octokit/request parses JSON, text and binary bodies through the overridden content-type', async () => {
  const json = await request('GET /json', { baseUrl });
  assert.deepEqual(json.data, { id: 7 });
  const text = await request('GET /text', { baseUrl });
  assert.equal(text.data, 'hello');
  const binary = await request('GET /bin', { baseUrl });
  assert.ok(binary.data instanceof ArrayBuffer, 'octet-stream stays binary');
  assert.deepEqual([...new Uint8Array(binary.data as ArrayBuffer)], [1, 2, 3]);
});
