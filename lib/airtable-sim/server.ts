import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { log } from '@/lib/log';
import { ZFaultConfigPatch } from './faults';
import { DEFAULT_BASE_PATH, createSimulator, isDroppedResponse, type SimOptions, type Simulator } from './handler';

export type SimServerOptions = SimOptions & { port?: number; host?: string };
export type SimServer = {
  /** Full SCIM base URL, e.g. http://127.0.0.1:43121/scim/v2 */
  url: string;
  port: number;
  sim: Simulator;
  close(): Promise<void>;
};

export const ADMIN_PREFIX = '/__sim/';
export const ADMIN_HEADER = 'x-sim-admin';

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/**
 * The test-control endpoints of the standalone server (never mounted in the app):
 * `POST /__sim/faults` (partial FaultConfig), `POST /__sim/reset-faults`, `GET /__sim/stats`,
 * `GET /__sim/requests[?limit=N]`, `POST /__sim/clear-requests`. Each needs the header
 * `x-sim-admin: <one of the SCIM tokens>`.
 */
export async function handleAdmin(sim: Simulator, tokens: readonly string[], req: Request): Promise<Response> {
  const admin = req.headers.get(ADMIN_HEADER);
  if (admin === null || !tokens.includes(admin)) return json(401, { error: `missing or wrong ${ADMIN_HEADER} header` });
  const url = new URL(req.url);
  const route = `${req.method.toUpperCase()} ${url.pathname.slice(ADMIN_PREFIX.length - 1)}`;
  switch (route) {
    case 'POST /faults': {
      let body: unknown;
      try {
        body = await req.json();
      } catch {
        return json(400, { error: 'body must be JSON' });
      }
      const parsed = ZFaultConfigPatch.safeParse(body);
      if (!parsed.success) return json(400, { error: 'invalid fault config', issues: parsed.error.issues });
      // zod leaves absent keys out, so this merges exactly what the caller sent.
      sim.setFaults(parsed.data);
      return json(200, { faults: sim.faults() });
    }
    case 'POST /reset-faults':
      sim.resetFaults();
      return json(200, { faults: sim.faults() });
    case 'GET /stats':
      return json(200, { counts: sim.store.counts(), requests: sim.countRequests(), faults: sim.faults() });
    case 'GET /requests': {
      const limit = Number(url.searchParams.get('limit') ?? '1000');
      const all = sim.requestLog();
      return json(200, { total: all.length, requests: all.slice(-Math.max(0, Number.isFinite(limit) ? limit : 1000)) });
    }
    case 'POST /clear-requests':
      sim.clearRequestLog();
      return json(200, { ok: true });
    default:
      return json(404, { error: `no admin route ${route}` });
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function toRequest(req: IncomingMessage, body: Buffer, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD' && body.length > 0;
  return new Request(new URL(req.url ?? '/', origin), { method, headers, body: hasBody ? new Uint8Array(body) : undefined });
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = Buffer.from(await response.arrayBuffer());
  if (body.length > 0) headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}

/**
 * Run the simulator on node:http (port 0 = random, host default 127.0.0.1). Dropped-connection
 * faults destroy the socket, so the client sees a network error, not a status.
 */
export async function startSimServer(opts: SimServerOptions): Promise<SimServer> {
  const sim = createSimulator(opts);
  const host = opts.host ?? '127.0.0.1';
  const basePath = (opts.basePath ?? DEFAULT_BASE_PATH).replace(/\/+$/, '');
  let origin = '';

  const server = createServer((req, res) => {
    void (async () => {
      try {
        const body = await readBody(req);
        const request = toRequest(req, body, origin);
        const response = (req.url ?? '').startsWith(ADMIN_PREFIX)
          ? await handleAdmin(sim, opts.tokens, request)
          : await sim.handle(request);
        if (isDroppedResponse(response)) {
          req.socket.destroy();
          return;
        }
        await writeResponse(res, response);
      } catch (e) {
        log.error({ err: e }, 'airtable-sim: server error');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error');
      }
    })();
  });
  server.keepAliveTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  origin = `http://${urlHost}:${port}`;

  let closed = false;
  return {
    url: `${origin}${basePath}`,
    port,
    sim,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      sim.close();
    },
  };
}
