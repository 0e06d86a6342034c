// startup.js: loading the engine and lessons says which URL failed and why. Run in Node against
// a local HTTP server (Node has fetch); the engine's module is a stand-in data: module, so no
// build is needed — what is tested is the checking and the wording, not the engine.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { fetchText, loadEngine } from '../startup.js';

const WASM = Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
let server;
let base;
const held = new Set();

before(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/stall') { held.add(res); return; }
    if (req.url === '/good.wasm') { res.writeHead(200, { 'content-type': 'application/wasm' }).end(WASM); return; }
    if (req.url === '/plain.wasm') { res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(WASM); return; }
    if (req.url === '/lesson.json') { res.writeHead(200, { 'content-type': 'application/json' }).end('{"version": 1}'); return; }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}/`;
});
after(async () => {
  for (const r of held) r.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** A stand-in engine module: its start function records what it was given. */
const engineModule = (body = 'globalThis.__started = a; return { memory: "the memory" };') => new URL(`data:text/javascript,${encodeURIComponent(`export default async (a) => { ${body} };`)}`);

test('the engine starts with its wasm when both are served right', async () => {
  const { wasm, memory } = await loadEngine({ moduleUrl: engineModule(), wasmUrl: new URL('good.wasm', base) });
  assert.equal(typeof wasm.default, 'function');
  assert.equal(memory, 'the memory');
  assert.equal(globalThis.__started.module_or_path.headers.get('content-type'), 'application/wasm', 'started from the checked response');
});

test('the wasm: not built (404), the wrong content type, no answer — each named with its URL', async () => {
  await assert.rejects(loadEngine({ moduleUrl: engineModule(), wasmUrl: new URL('missing.wasm', base) }),
    { message: `The engine's WebAssembly could not be loaded: ${base}missing.wasm: the server answered HTTP 404 Not Found (no such file: is the engine built? make build)` });
  await assert.rejects(loadEngine({ moduleUrl: engineModule(), wasmUrl: new URL('plain.wasm', base) }),
    { message: `The engine's WebAssembly could not be loaded: ${base}plain.wasm is served as “application/octet-stream”; browsers run WebAssembly only when it is served as “application/wasm” — configure the server to send that type for .wasm files` });
  await assert.rejects(loadEngine({ moduleUrl: engineModule(), wasmUrl: new URL('stall', base), timeoutMs: 1000 }),
    { message: `The engine's WebAssembly could not be loaded: ${base}stall did not answer within 1 s (the server is slow or down)` });
});

test('the module: one that is not the engine, one that fails to start', async () => {
  await assert.rejects(loadEngine({ moduleUrl: new URL('data:text/javascript,export const x = 1;'), wasmUrl: new URL('good.wasm', base) }),
    /is not the playground's engine \(no start function\); rebuild it \(make build\)/);
  await assert.rejects(loadEngine({ moduleUrl: engineModule('throw new Error("bad magic");'), wasmUrl: new URL('good.wasm', base) }),
    /^Error: The engine's WebAssembly \(\S+good\.wasm\) could not be started: bad magic; rebuild it \(make build\)$/);
});

test('lessons: read within the limit; too large, missing and silent servers are named', async () => {
  assert.equal(await fetchText('lesson.json', { base, limit: 100 }), '{"version": 1}');
  await assert.rejects(fetchText('lesson.json', { base, limit: 5 }), { message: `${base}lesson.json: the file is 14 bytes; the limit is 5 bytes` });
  await assert.rejects(fetchText('nope.json', { base }), { message: `${base}nope.json: the server answered HTTP 404 Not Found (no such file)` });
  await assert.rejects(fetchText('stall', { base, timeoutMs: 1000 }), { message: `${base}stall did not answer within 1 s (the server is slow or down)` });
  await assert.rejects(fetchText('http://[bad', { base }), { message: '“http://[bad” is not a web address' });
});
