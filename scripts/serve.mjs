// A tiny static file server for the playground (no server logic: the page is static).
// Usage: node scripts/serve.mjs [--port 8080] [--quiet]
// Also imported by the end-to-end tests: `startServer({ port: 0 })`.
//
// What a <qml-playground> on another site loads from here — the page's modules (www/**/*.js),
// its stylesheet, the engine (pkg/) and lesson files (…/lessons/*.json) — is sent with
// `Access-Control-Allow-Origin: *`, so a course page on any origin can embed the playground
// (README, "Embedding"); everything else is same-origin only.
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.csv': 'text/csv; charset=utf-8',
  '.qasm': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

/** Paths (from the site root) that an embed on another origin reads, so sent with CORS. */
const EMBED_ASSETS = [/^\/www\/(.+\/)?[^/]+\.js$/, /^\/www\/style\.css$/, /^\/pkg\/[^/]+$/, /\/lessons\/[^/]+\.json$/];

/** Whether `pathname` is an asset an embed on another site loads (so it is sent with CORS). */
export function isEmbedAsset(pathname) {
  return EMBED_ASSETS.some((re) => re.test(pathname));
}

/**
 * Starts the server; resolves to { server, url }. Port 0 picks a free port. `cors`: true (the
 * embed assets get Access-Control-Allow-Origin), false (nothing does: a static host that was not
 * set up for embeds), or a function of the path deciding it per embed asset (a host set up for
 * only part of them).
 */
export function startServer({ port = 8080, host = '127.0.0.1', root = ROOT, cors = true } = {}) {
  const server = http.createServer(async (req, res) => {
    // Also on a 404, so that a page on another site can read the status and say "no such file".
    let allow = {};
    try {
      const url = new URL(req.url, 'http://x');
      let rel = decodeURIComponent(url.pathname);
      if (isEmbedAsset(rel) && (typeof cors === 'function' ? cors(rel) : cors)) allow = { 'access-control-allow-origin': '*' };
      if (rel.endsWith('/')) rel += 'index.html';
      const file = path.resolve(root, '.' + rel);
      if (!file.startsWith(root + path.sep) || /[\\/]\.[^\\/]/.test(path.relative(root, file))) {
        res.writeHead(403).end('forbidden');
        return;
      }
      const body = await fs.readFile(file);
      const headers = {
        'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        ...allow,
      };
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain', ...allow }).end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: p } = server.address();
      resolve({ server, url: `http://localhost:${p}/` });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : Number(process.env.PORT || 8080);
  startServer({ port }).then(({ url }) => {
    console.log(`QML playground: ${url}`);
    console.log('(Ctrl+C to stop)');
  }, (err) => {
    console.error(`cannot serve on port ${port}: ${err.message} — try: make serve PORT=8081`);
    process.exit(1);
  });
}
