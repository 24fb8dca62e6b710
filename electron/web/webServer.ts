// Web mode: the built renderer and the same API over HTTP, on 127.0.0.1 only. Every API
// call needs the per-launch token; the Host and Origin headers must be ours, so a page
// elsewhere cannot reach the API through DNS rebinding or a cross-site request.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { ApiCaller } from '../core/service.js';

export interface WebServerOptions {
  /** The API (the service thread's, or one in this process). */
  call: ApiCaller;
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface WebServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const API_PREFIX = '/api/';
const MAX_BODY_BYTES = 1 << 20;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

function send(res: http.ServerResponse, status: number, body: string | Buffer, type: string): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

function tokenMatches(header: string | undefined, token: Buffer): boolean {
  const presented = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '', 'utf8');
  return presented.length === token.length && timingSafeEqual(presented, token);
}

async function readBody(req: http.IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function serveStatic(rendererDir: string, urlPath: string, res: http.ServerResponse): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    send(res, 400, 'bad path', 'text/plain; charset=utf-8');
    return;
  }
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const file = path.resolve(rendererDir, relative);
  // Only files inside the renderer folder are served, whatever the path says.
  if (!file.startsWith(path.resolve(rendererDir) + path.sep) || decoded.includes('\0')) {
    send(res, 404, 'not found', 'text/plain; charset=utf-8');
    return;
  }
  fs.readFile(file, (error, data) => {
    if (error) {
      send(res, 404, 'not found', 'text/plain; charset=utf-8');
      return;
    }
    send(res, 200, data, CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream');
  });
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer & { token: string }> {
  const tokenText = randomBytes(32).toString('base64url');
  const token = Buffer.from(tokenText, 'utf8');
  const allowedHosts = new Set<string>();

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      // The app is ours at 127.0.0.1 and at localhost (same port); no other name reaches it.
      const host = req.headers.host ?? '';
      if (!allowedHosts.has(host)) {
        send(res, 421, 'wrong host', 'text/plain; charset=utf-8');
        return;
      }
      if (!url.pathname.startsWith(API_PREFIX)) {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          send(res, 405, 'method not allowed', 'text/plain; charset=utf-8');
          return;
        }
        serveStatic(options.rendererDir, url.pathname, res);
        return;
      }
      if (req.method !== 'POST') {
        sendJson(res, 405, { ok: false, error: { code: 'BAD_INPUT', message: 'API calls are POST' } });
        return;
      }
      if (req.headers.origin !== undefined && !allowedHosts.has(req.headers.origin.replace(/^http:\/\//, ''))) {
        sendJson(res, 403, { ok: false, error: { code: 'FORBIDDEN', message: 'cross-origin call refused' } });
        return;
      }
      if (!tokenMatches(req.headers.authorization, token)) {
        sendJson(res, 401, { ok: false, error: { code: 'FORBIDDEN', message: 'missing or wrong token' } });
        return;
      }
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        sendJson(res, 415, { ok: false, error: { code: 'BAD_INPUT', message: 'send application/json' } });
        return;
      }
      const body = await readBody(req);
      if (body === null) {
        sendJson(res, 413, { ok: false, error: { code: 'BAD_INPUT', message: 'request body over 1 MiB' } });
        return;
      }
      let input: unknown;
      try {
        input = body === '' ? {} : JSON.parse(body);
      } catch {
        sendJson(res, 400, { ok: false, error: { code: 'BAD_INPUT', message: 'request body is not JSON' } });
        return;
      }
      const method = url.pathname.slice(API_PREFIX.length);
      sendJson(res, 200, await options.call(method, input));
    })().catch((error: unknown) => {
      console.error(error);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'server error' } });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  allowedHosts.add(`127.0.0.1:${port}`).add(`localhost:${port}`);
  return {
    // The token rides in the fragment: browsers never send it to a server or a log.
    url: `${origin}/#token=${tokenText}`,
    port,
    token: tokenText,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
