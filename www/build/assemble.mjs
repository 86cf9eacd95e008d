#!/usr/bin/env node
// Assembles the static site from www/ and the wasm-bindgen output.
//
//   node www/build/assemble.mjs --web DIR --nomodules DIR --wasm FILE --demo FILE --out DIR
//
// Writes to --out:
//   index.html, app.js, style.css, worker.js, keyhole.js, keyhole_bg.wasm
//       the served site (CSP as a meta tag; serve.mjs and _headers send it as a header too)
//   keyhole.html
//       the single file: wasm, worker and demo embedded, CSP with sha256 hashes
//   export/aws.sh, export/azure.sh, export/gcp.sh
//       the export scripts, to fetch from a cloud shell (also embedded in both pages)
//   _headers
//       the CSP header for hosts that read this file (Netlify, Cloudflare Pages)

import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const www = join(dirname(fileURLToPath(import.meta.url)), '..');

function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const key of ['web', 'nomodules', 'wasm', 'demo', 'out']) {
    if (!out[key]) throw new Error('missing --' + key);
  }
  return out;
}

const opts = args();
const read = (p) => readFileSync(p, 'utf8');
const sha256 = (text) => "'sha256-" + createHash('sha256').update(text, 'utf8').digest('base64') + "'";

// The page script: plain scripts concatenated, in order, in one scope.
// export-guide.js comes before app.js, whose last line starts the page.
const PAGE_SCRIPTS = ['dom.js', 'evidence.js', 'worker-client.js', 'export-guide.js', 'app.js'];
const appJs = "(() => {\n'use strict';\n" + PAGE_SCRIPTS.map((f) => '// ---- ' + f + '\n' + read(join(www, 'js', f))).join('\n') + '})();\n';
const css = read(join(www, 'style.css'));
const workerBody = read(join(www, 'js', 'worker-body.js'));
const template = read(join(www, 'index.html'));

const demoBytes = readFileSync(opts.demo);
const demoBlock = '<script type="text/plain" id="keyhole-demo" data-name="' + basename(opts.demo).replace(/[^A-Za-z0-9._-]/g, '_') + '">'
  + demoBytes.toString('base64').replace(/.{1,120}/g, '$&\n') + '</script>';

// The export scripts, embedded byte for byte (base64) so that the page, the
// single file included, can offer them for download with no request; the site
// also serves them as export/*.sh, to fetch from a cloud shell.
const EXPORT_DIR = join(www, '..', 'export');
const EXPORT_SCRIPTS = ['aws.sh', 'azure.sh', 'gcp.sh'];
const exportBlocks = EXPORT_SCRIPTS.map((name) => '<script type="text/plain" id="keyhole-export-' + name.replace(/\.sh$/, '')
  + '" data-name="' + name + '">' + readFileSync(join(EXPORT_DIR, name)).toString('base64').replace(/.{1,120}/g, '$&\n') + '</script>').join('\n');

const COMMON = [
  "default-src 'none'",
  "require-trusted-types-for 'script'",
  'trusted-types keyhole',
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

export const SITE_CSP = [
  COMMON[0],
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  ...COMMON.slice(1),
].join('; ');

function fill(html, values) {
  return html.replace(/\{\{(\w+)\}\}/g, (_, key) => {
    if (!(key in values)) throw new Error('template value missing: ' + key);
    return values[key];
  });
}

function assertNoScriptClose(text, what) {
  if (/<\/script/i.test(text) || /<!--/.test(text)) throw new Error(what + ' contains "</script" or "<!--" and cannot be inlined');
}

mkdirSync(opts.out, { recursive: true });

// ---- the served site
const siteHtml = fill(template, {
  CSP: SITE_CSP,
  STYLE: '<link rel="stylesheet" href="style.css">',
  BODY_END: demoBlock + '\n' + exportBlocks + '\n<script src="app.js"></script>',
});
writeFileSync(join(opts.out, 'index.html'), siteHtml);
writeFileSync(join(opts.out, 'app.js'), appJs);
writeFileSync(join(opts.out, 'style.css'), css);
writeFileSync(join(opts.out, 'worker.js'), "import init, * as api from './keyhole.js';\n\n" + workerBody);
copyFileSync(join(opts.web, 'keyhole.js'), join(opts.out, 'keyhole.js'));
copyFileSync(opts.wasm, join(opts.out, 'keyhole_bg.wasm'));
mkdirSync(join(opts.out, 'export'), { recursive: true });
for (const name of EXPORT_SCRIPTS) copyFileSync(join(EXPORT_DIR, name), join(opts.out, 'export', name));

// ---- the single file
const glue = read(join(opts.nomodules, 'keyhole.js'));
const workerSource = glue + '\nconst init = wasm_bindgen;\nconst api = wasm_bindgen;\n\n' + workerBody;
assertNoScriptClose(workerSource, 'the worker source');
assertNoScriptClose(appJs, 'the page script');
assertNoScriptClose(css, 'the style sheet');
const wasmB64 = readFileSync(opts.wasm).toString('base64').replace(/.{1,120}/g, '$&\n');
const singleCsp = [
  COMMON[0],
  "script-src " + sha256(appJs) + " 'wasm-unsafe-eval'",
  'style-src ' + sha256(css),
  'img-src data:',
  "connect-src 'none'",
  'worker-src blob:',
  ...COMMON.slice(1),
].join('; ');
const singleHtml = fill(template, {
  CSP: singleCsp,
  STYLE: '<style>' + css + '</style>',
  BODY_END: [
    demoBlock,
    exportBlocks,
    '<script type="text/plain" id="keyhole-wasm">' + wasmB64 + '</script>',
    '<script type="text/plain" id="keyhole-worker">' + workerSource + '</script>',
    '<script>' + appJs + '</script>',
  ].join('\n'),
});
writeFileSync(join(opts.out, 'keyhole.html'), singleHtml);

// ---- headers for static hosts that read a _headers file. The single file
// carries its own CSP (hashes) and must not get the site's.
const headerCsp = SITE_CSP + "; frame-ancestors 'none'";
const paths = ['/', '/index.html', '/app.js', '/worker.js', '/keyhole.js', '/keyhole_bg.wasm', '/style.css'];
writeFileSync(join(opts.out, '_headers'), paths.map((p) => p + '\n  Content-Security-Policy: ' + headerCsp
  + '\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: no-referrer\n').join('\n'));

const size = (n) => (n / 1024).toFixed(1) + ' KiB';
console.log('site:        ' + opts.out + '/index.html (' + size(Buffer.byteLength(siteHtml)) + ')');
console.log('single file: ' + opts.out + '/keyhole.html (' + size(Buffer.byteLength(singleHtml)) + ')');
console.log('demo:        ' + basename(opts.demo) + ' (' + size(demoBytes.length) + ')');
