// (d) The package in a browser, installed from the tarball: a Vite app (the
// production build, served by `vite preview`, and the dev server) and a plain
// ES-module page without a bundler under a strict CSP, each driven in headless
// Chromium to audit two files. The reports must equal the native CLI's, and
// the page may request nothing but its own origin.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { build, createServer, preview } from 'vite';
import { copyIntoProject, crateVersion, DEMO, launch, NATIVE, run, S3_FIXTURE, serveStatic } from './helpers.mjs';

const CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src data:; require-trusted-types-for 'script'";
const FILES = [S3_FIXTURE, DEMO];
const VERSION = crateVersion();

/** The native CLI's report of the same two files, named as the page names them. */
function nativeReport() {
  const dir = mkdtempSync(join(tmpdir(), 'keyhole-npm-browser-'));
  try {
    for (const f of FILES) copyFileSync(f, join(dir, basename(f)));
    const out = run(NATIVE, ['audit', ...FILES.map((f) => basename(f)), '--format', 'json'], { cwd: dir });
    assert.equal(out.code, 1, out.stderr);
    return JSON.parse(out.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let browser;
const expected = nativeReport();
const app = copyIntoProject('vite-app');
const closers = [];

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
  for (const close of closers) await close();
});

/** Opens `url`, audits FILES through the page, and returns what happened. */
async function auditInPage(url) {
  const origin = new URL(url).origin;
  const page = await browser.newPage();
  const requests = [];
  const problems = [];
  const wasm = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('response', (r) => {
    if (r.url().split('?')[0].endsWith('.wasm')) wasm.push({ url: r.url(), status: r.status(), type: r.headers()['content-type'] });
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-ready]', { state: 'attached', timeout: 30_000 });
    const ready = await page.getAttribute('body', 'data-ready');
    await page.setInputFiles('#files', FILES);
    await page.waitForSelector('#out[data-report], #out[data-error]', { state: 'attached', timeout: 30_000 });
    const out = await page.$eval('#out', (el) => ({ ...el.dataset }));
    const foreign = requests.filter((r) => !r.startsWith(origin + '/') && !r.startsWith('data:'));
    return { ready, out, problems, foreign, wasm };
  } finally {
    await page.close();
  }
}

function assertAudited(got) {
  assert.deepEqual(got.problems, []);
  assert.equal(got.out.error, undefined, got.out.error);
  assert.equal(got.ready, VERSION);
  const report = JSON.parse(got.out.report);
  assert.deepEqual(report, expected, 'the page\'s report differs from the native CLI\'s');
  assert.ok(report.findings.some((f) => f.rule === 'aws-s3-bucket-public-acl' && f.resource.name === 'kiwimotors-customer-records'));
  assert.ok(report.findings.some((f) => f.rule === 'aws-s3-bucket-public-acl' && f.evidence[0].file === 'invalid.json'));
  assert.equal(got.out.exit, '1');
  assert.deepEqual(got.foreign, [], 'the page requested something outside its own origin');
  assert.equal(got.wasm.length, 1, JSON.stringify(got.wasm));
  assert.equal(got.wasm[0].status, 200);
}

describe('in Chromium', () => {
  test('a Vite production build (vite build + vite preview) audits files', async () => {
    await build({ root: app, logLevel: 'warn', build: { outDir: join(app, 'dist'), emptyOutDir: true } });
    const assets = readdirSync(join(app, 'dist', 'assets'));
    assert.equal(assets.filter((a) => a.endsWith('.wasm')).length, 1, `the build must emit the wasm once: ${assets}`);
    const server = await preview({ root: app, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, strictPort: false } });
    closers.push(() => server.close());
    const { port } = server.httpServer.address();
    assertAudited(await auditInPage(`http://127.0.0.1:${port}/`));
  });

  test('the Vite dev server audits files (no optimizeDeps settings needed)', async () => {
    const server = await createServer({ root: app, logLevel: 'warn', server: { host: '127.0.0.1', port: 0 } });
    closers.push(() => server.close());
    await server.listen();
    const { port } = server.httpServer.address();
    assertAudited(await auditInPage(`http://127.0.0.1:${port}/`));
  });

  test('a plain ES-module page (no bundler) audits files under a strict CSP', async () => {
    const project = copyIntoProject('plain', 'plain').replace(/\/plain$/, '');
    const server = await serveStatic(project, { 'content-security-policy': CSP });
    closers.push(server.close);
    const got = await auditInPage(`${server.url}plain/`);
    assertAudited(got);
    assert.equal(got.wasm[0].type, 'application/wasm');
    assert.equal(got.out.violations, '[]');
  });
});
