/**
 * A local HTTP server that speaks, at the protocol level, the parts of GitHub the action uses, so
 * that the real @actions/github and @actions/artifact clients run against it:
 *
 * - REST: issue comments (list with Link-header pagination, create, edit), a workflow's runs, a
 *   run's artifacts, an artifact's zip (302 to the blob URL, as GitHub does);
 * - the Actions results service (Twirp JSON: CreateArtifact, FinalizeArtifact, ListArtifacts,
 *   GetSignedArtifactURL), with artifacts scoped by the backend IDs in the runtime token;
 * - Azure blob storage: block upload (PUT ?comp=block, PUT ?comp=blocklist) and download.
 *
 * Faults can be injected per route (a 502 once, a 403), and every request is recorded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string };
  html_url: string;
  created_at: string;
  updated_at: string;
}

export interface FakeRun {
  id: number;
  run_number: number;
  /** The workflow file the run belongs to. */
  workflow: string;
  event: string;
  status: string;
  conclusion: string | null;
  head_branch: string;
  head_sha: string;
  head_repository: { full_name: string };
  created_at: string;
  /** The run's backend ID in the results service (the runtime token's scp claim). */
  backendId: string;
}

export interface FakeArtifact {
  id: number;
  name: string;
  runBackendId: string;
  jobBackendId: string;
  blobPath: string;
  size: number;
  expired: boolean;
  finalized: boolean;
  createdAt: string;
  expiresAt: string | null;
}

export interface Fault {
  method: string;
  /** Matched against the request's path (without the query). */
  path: RegExp;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** How many requests it answers; Infinity for all. */
  times: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  status: number;
  authorization: string | undefined;
}

export class FakeGitHub {
  readonly comments = new Map<string, FakeComment[]>();
  readonly runs: FakeRun[] = [];
  readonly artifacts: FakeArtifact[] = [];
  readonly blobs = new Map<string, Buffer>();
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  /** The login that comments created through the API belong to (the token's owner). */
  login = 'github-actions[bot]';
  /** Comments per page when the client asks for more than this (keeps pagination exercised). */
  maxPerPage = 100;
  private readonly blocks = new Map<string, Buffer>();
  private nextId = 1000;
  private server: Server | null = null;
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(JSON.stringify({ message: String(error) }));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  id(): number {
    return this.nextId++;
  }

  /** Answers the next `times` matching requests with `status` instead of serving them. */
  fail(fault: Omit<Fault, 'times'> & { times?: number }): void {
    this.faults.push({ times: 1, ...fault });
  }

  commentsOn(owner: string, repo: string, issue: number): FakeComment[] {
    const key = `${owner}/${repo}#${issue}`;
    if (!this.comments.has(key)) this.comments.set(key, []);
    return this.comments.get(key)!;
  }

  addComment(owner: string, repo: string, issue: number, body: string, login: string): FakeComment {
    const id = this.id();
    const now = new Date().toISOString();
    const c = { id, body, user: { login }, html_url: `https://github.com/${owner}/${repo}/pull/${issue}#issuecomment-${id}`, created_at: now, updated_at: now };
    this.commentsOn(owner, repo, issue).push(c);
    return c;
  }

  /** Artifacts that the results service finalized for a run. */
  artifactsOf(backendId: string): FakeArtifact[] {
    return this.artifacts.filter((a) => a.runBackendId === backendId && a.finalized);
  }

  /** The bytes of an artifact's zip. */
  zipOf(artifact: FakeArtifact): Buffer {
    return this.blobs.get(artifact.blobPath) ?? Buffer.alloc(0);
  }

  /** Stores `zip` as a finalized artifact of `run` (for baselines the test makes by hand). */
  putArtifact(run: FakeRun, name: string, zip: Buffer, expired = false): FakeArtifact {
    const blobPath = `/blob/store/${run.backendId}/${this.id()}/${name}.zip`;
    this.blobs.set(blobPath, zip);
    const a: FakeArtifact = { id: this.id(), name, runBackendId: run.backendId, jobBackendId: 'job', blobPath, size: zip.length, expired, finalized: true, createdAt: new Date().toISOString(), expiresAt: null };
    this.artifacts.push(a);
    return a;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const record = (status: number) =>
      this.requests.push({ method, path: url.pathname, query: url.searchParams, status, authorization: req.headers.authorization });
    const fault = this.faults.find((f) => f.times > 0 && f.method === method && f.path.test(url.pathname));
    if (fault) {
      fault.times--;
      record(fault.status);
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(JSON.stringify(fault.body ?? { message: `injected ${fault.status}`, documentation_url: 'https://docs.github.com/rest' }));
      return;
    }
    const reply = (status: number, data?: unknown, headers: Record<string, string> = {}) => {
      record(status);
      res.writeHead(status, data === undefined ? headers : { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(data === undefined ? undefined : JSON.stringify(data));
    };
    if (url.pathname.startsWith('/twirp/')) return this.twirp(url, body, reply);
    if (url.pathname.startsWith('/blob/')) return this.blob(method, url, body, reply, res, record);
    return this.rest(method, url, body, reply);
  }

  private rest(method: string, url: URL, body: Buffer, reply: (s: number, d?: unknown, h?: Record<string, string>) => void): void {
    const p = url.pathname;
    let m: RegExpExecArray | null;
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(p))) {
      const [, owner, repo, issue] = m as unknown as [string, string, string, string];
      const list = this.commentsOn(owner, repo, Number(issue));
      if (method === 'GET') {
        const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), this.maxPerPage);
        const page = Number(url.searchParams.get('page') ?? 1);
        const last = Math.max(1, Math.ceil(list.length / perPage));
        const links: string[] = [];
        const link = (n: number, rel: string) => {
          const u = new URL(url);
          u.searchParams.set('page', String(n));
          u.searchParams.set('per_page', String(perPage));
          links.push(`<${u.href}>; rel="${rel}"`);
        };
        if (page < last) {
          link(page + 1, 'next');
          link(last, 'last');
        }
        if (page > 1) {
          link(1, 'first');
          link(page - 1, 'prev');
        }
        return reply(200, list.slice((page - 1) * perPage, page * perPage), links.length ? { link: links.join(', ') } : {});
      }
      if (method === 'POST') {
        const { body: text } = JSON.parse(body.toString('utf8')) as { body: string };
        return reply(201, this.addComment(owner, repo, Number(issue), text, this.login));
      }
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(p)) && method === 'PATCH') {
      const id = Number(m[3]);
      for (const list of this.comments.values()) {
        const c = list.find((x) => x.id === id);
        if (c) {
          c.body = (JSON.parse(body.toString('utf8')) as { body: string }).body;
          c.updated_at = new Date().toISOString();
          return reply(200, c);
        }
      }
      return reply(404, { message: 'Not Found' });
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)\/runs$/.exec(p)) && method === 'GET') {
      const q = url.searchParams;
      const runs = this.runs
        .filter((r) => r.workflow === decodeURIComponent(m![3]!))
        .filter((r) => !q.get('branch') || r.head_branch === q.get('branch'))
        .filter((r) => !q.get('event') || r.event === q.get('event'))
        .filter((r) => !q.get('status') || r.status === q.get('status'))
        .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
      const perPage = Number(q.get('per_page') ?? 30);
      const shown = runs.slice(0, perPage).map(({ backendId: _b, workflow: _w, ...run }) => run);
      return reply(200, { total_count: runs.length, workflow_runs: shown });
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/artifacts$/.exec(p)) && method === 'GET') {
      const run = this.runs.find((r) => r.id === Number(m![3]));
      if (!run) return reply(404, { message: 'Not Found' });
      const name = url.searchParams.get('name');
      const list = this.artifactsOf(run.backendId)
        .filter((a) => !name || a.name === name)
        .map((a) => ({ id: a.id, name: a.name, size_in_bytes: a.size, expired: a.expired, created_at: a.createdAt, expires_at: a.expiresAt, workflow_run: { id: run.id, head_branch: run.head_branch, head_sha: run.head_sha } }));
      return reply(200, { total_count: list.length, artifacts: list });
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/artifacts\/(\d+)\/zip$/.exec(p)) && method === 'GET') {
      const a = this.artifacts.find((x) => x.id === Number(m![3]));
      if (!a) return reply(404, { message: 'Not Found' });
      if (a.expired) return reply(410, { message: 'Artifact has expired' });
      return reply(302, undefined, { location: `${this.url}${a.blobPath}?sig=download` });
    }
    return reply(404, { message: `Not Found: ${method} ${p}` });
  }

  private twirp(url: URL, body: Buffer, reply: (s: number, d?: unknown) => void): void {
    const method = url.pathname.split('/').pop();
    const req = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
    const runId = String(req.workflow_run_backend_id ?? '');
    const jobId = String(req.workflow_job_run_backend_id ?? '');
    if (method === 'CreateArtifact') {
      const name = String(req.name);
      const blobPath = `/blob/store/${runId}/${this.id()}/${name}.zip`;
      this.artifacts.push({ id: this.id(), name, runBackendId: runId, jobBackendId: jobId, blobPath, size: 0, expired: false, finalized: false, createdAt: new Date().toISOString(), expiresAt: (req.expires_at as string | undefined) ?? null });
      return reply(200, { ok: true, signed_upload_url: `${this.url}${blobPath}?sig=upload` });
    }
    if (method === 'FinalizeArtifact') {
      const a = this.artifacts.find((x) => x.runBackendId === runId && x.name === req.name && !x.finalized);
      if (!a) return reply(404, { code: 'not_found', msg: 'artifact not found' });
      a.finalized = true;
      a.size = Number(req.size ?? 0);
      return reply(200, { ok: true, artifact_id: String(a.id) });
    }
    if (method === 'ListArtifacts') {
      const list = this.artifactsOf(runId)
        .filter((a) => !req.name_filter || a.name === req.name_filter)
        .filter((a) => !req.id_filter || String(a.id) === String(req.id_filter))
        .map((a) => ({ workflow_run_backend_id: a.runBackendId, workflow_job_run_backend_id: a.jobBackendId, database_id: String(a.id), name: a.name, size: String(a.size), created_at: a.createdAt }));
      return reply(200, { artifacts: list });
    }
    if (method === 'GetSignedArtifactURL') {
      const a = this.artifactsOf(runId).find((x) => x.name === req.name);
      if (!a) return reply(404, { code: 'not_found', msg: 'artifact not found' });
      return reply(200, { signed_url: `${this.url}${a.blobPath}?sig=download` });
    }
    return reply(404, { code: 'bad_route', msg: `no method ${method}` });
  }

  private blob(method: string, url: URL, body: Buffer, reply: (s: number, d?: unknown, h?: Record<string, string>) => void, res: ServerResponse, record: (s: number) => void): void {
    const path = url.pathname;
    const comp = url.searchParams.get('comp');
    const azure = { 'x-ms-request-id': String(this.id()), 'x-ms-version': '2024-11-04', etag: `"0x${this.nextId.toString(16)}"`, 'last-modified': new Date().toUTCString() };
    if (method === 'PUT' && comp === 'block') {
      this.blocks.set(`${path} ${url.searchParams.get('blockid')}`, body);
      return reply(201, undefined, { ...azure, 'x-ms-request-server-encrypted': 'true' });
    }
    if (method === 'PUT' && comp === 'blocklist') {
      const ids = [...body.toString('utf8').matchAll(/<(?:Latest|Committed|Uncommitted)>([^<]*)<\//g)].map((x) => x[1]!);
      const parts = ids.map((id) => this.blocks.get(`${path} ${id}`));
      if (parts.some((x) => x === undefined)) return reply(400, undefined, { ...azure, 'x-ms-error-code': 'InvalidBlockList' });
      this.blobs.set(path, Buffer.concat(parts as Buffer[]));
      return reply(201, undefined, azure);
    }
    if (method === 'PUT') {
      this.blobs.set(path, body);
      return reply(201, undefined, azure);
    }
    if (method === 'GET') {
      const data = this.blobs.get(path);
      if (!data) return reply(404, undefined, { ...azure, 'x-ms-error-code': 'BlobNotFound' });
      record(200);
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(data.length), ...azure });
      res.end(data);
      return;
    }
    return reply(405, undefined, azure);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A runtime token shaped as the runner's: a JWT whose scp claim names the run's and job's backend IDs. */
export function runtimeToken(runBackendId: string, jobBackendId: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ scp: `Actions.ExampleScope Actions.Results:${runBackendId}:${jobBackendId}`, exp: Math.floor(Date.now() / 1000) + 3600 })}.c2lnbmF0dXJl`;
}
