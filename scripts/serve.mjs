#!/usr/bin/env node
// A tiny static server for the built page, with no dependencies.
//
//   node scripts/serve.mjs [DIR] [--port N]     (DIR defaults to dist/www, port to 8080; 0 picks a free one)
//
// Binds 127.0.0.1 only. Every response carries the Content-Security-Policy:
// an HTML file gets the policy of its own <meta> tag (so keyhole.html keeps
// its hash-based policy), everything else (JS, wasm, CSS) gets index.html's.
// Workers take their CSP from their own response, which is why JS gets it too.

import { createServer } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';

const argv = process.argv.slice(2);
let dir = 'dist/www';
let port = 8080;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--port') port = Number(argv[++i]);
  else if (argv[i] === '--help' || argv[i] === '-h') {
    console.log('usage: node scripts/serve.mjs [DIR] [--port N]');
    process.exit(0);
  } else dir = argv[i];
}
const root = resolve(dir);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.sh': 'text/plain; charset=utf-8',
};

function metaCsp(html) {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/i.exec(html);
  return m ? m[1] : null;
}

let siteCsp;
try {
  siteCsp = metaCsp(readFileSync(join(root, 'index.html'), 'utf8'));
} catch (e) {
  console.error(`No index.html in ${root}: build the site first (scripts/build-www.sh).`);
  process.exit(1);
}
if (!siteCsp) {
  console.error(`index.html in ${root} has no CSP meta tag.`);
  process.exit(1);
}

function headersFor(path, body) {
  const ext = extname(path).toLowerCase();
  const csp = (ext === '.html' && metaCsp(body.toString('utf8'))) || siteCsp;
  return {
    'Content-Type': TYPES[ext] || 'application/octet-stream',
    'Content-Length': body.length,
    // frame-ancestors only works as a header.
    'Content-Security-Policy': csp + "; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  };
}

const server = createServer((req, res) => {
  const deny = (status, text) => {
    const body = Buffer.from(text + '\n');
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': body.length,
      'Content-Security-Policy': siteCsp + "; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return deny(405, 'method not allowed');
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
  } catch (e) {
    return deny(400, 'bad request');
  }
  if (pathname.endsWith('/')) pathname += 'index.html';
  const file = normalize(join(root, pathname));
  if (file !== root && !file.startsWith(root + sep)) return deny(403, 'forbidden');
  let body;
  try {
    if (!statSync(file).isFile()) return deny(404, 'not found');
    body = readFileSync(file);
  } catch (e) {
    return deny(404, 'not found');
  }
  res.writeHead(200, headersFor(file, body));
  res.end(req.method === 'HEAD' ? undefined : body);
});

server.listen(port, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}/`;
  console.log(`Keyhole is being served from ${root}`);
  console.log(`Open ${url}  and click "Try the demo export", or drop your own files.`);
  console.log('It listens on this computer only. Ctrl+C stops it.');
  if (process.send) process.send({ url });
});
