// A file that kills the audit worker (a panic, a wasm trap, running out of
// memory) costs that file only: the page starts a fresh worker, names the
// file, and still shows the findings of the other files of the same upload.
//
// The crash is injected by the test, never shipped: the served site's
// worker.js is rewritten on its way to the browser (Playwright routing), and
// the single file is copied with its worker source rewritten. The shim makes
// auditJson run a real wasm `unreachable` instruction, a genuine
// WebAssembly.RuntimeError, for files whose name contains CRASH_MARK.
// tests/e2e/sinks.test.mjs checks that the production build has no such shim.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CRASH_MARK, DIST, FIXTURES, assertShowsReport, cli, launch, openPage, serve, text, waitReady, waitResults } from './helpers.mjs';

// A wasm module whose one export, trap(), executes `unreachable`.
const TRAP_MODULE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 8, 1, 4, 116, 114, 97, 112, 0, 0, 10, 5, 1, 3, 0, 0, 11];

/** Worker source that wraps `realApi` as `api`, trapping on marked files (as a panic would: the hook's message, then the trap). */
function shim(realApi) {
  return `
const __trap = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(${JSON.stringify(TRAP_MODULE)}))).exports.trap;
const api = Object.assign({}, ${realApi}, {
  auditJson(files, options) {
    if (files.some((f) => f.name.includes(${JSON.stringify(CRASH_MARK)}))) {
      self.__keyholePanic = 'Keyhole hit an internal error: panicked at the test shim';
      __trap();
    }
    return ${realApi}.auditJson(files, options);
  },
});
`;
}

const SITE_PRELUDE = "import init, * as api from './keyhole.js';";
const SINGLE_PRELUDE = 'const api = wasm_bindgen;';

function crashingSingleFile(dir) {
  const html = readFileSync(join(DIST, 'keyhole.html'), 'utf8');
  assert.ok(html.includes(SINGLE_PRELUDE), 'the single file\'s worker prelude is where the shim expects it');
  // The worker block is text/plain, outside the CSP hash: the page still starts.
  const path = join(dir, 'keyhole-crashing.html');
  writeFileSync(path, html.replace(SINGLE_PRELUDE, shim('wasm_bindgen')));
  return pathToFileURL(path).href;
}

/** Two good files and a crashing one (with a hostile name) between them. */
function upload() {
  const dir = mkdtempSync(join(tmpdir(), 'keyhole-crash-'));
  const crashName = CRASH_MARK + ' <img src=x onerror=__xss(1)>.json';
  copyFileSync(join(FIXTURES, 'aws-config-snapshot.json'), join(dir, 'snapshot.json'));
  copyFileSync(join(FIXTURES, 'aws-cli-describe-security-groups.json'), join(dir, crashName));
  copyFileSync(join(FIXTURES, 'aws-cli-describe-security-groups.json'), join(dir, 'sg.json'));
  const names = ['snapshot.json', crashName, 'sg.json'];
  return { dir, crashName, names, good: names.filter((n) => n !== crashName), paths: names.map((n) => join(dir, n)) };
}

/** Workers started and closed in the page, counted. */
function countWorkers(page) {
  const counts = { started: 0, closed: 0 };
  page.on('worker', (w) => {
    counts.started++;
    w.on('close', () => counts.closed++);
  });
  return counts;
}

async function crashAndRecover(page, counts, { checkDownload }) {
  const files = upload();
  const startedBefore = counts.started;
  await page.setInputFiles('#file-input', files.paths);
  await waitResults(page);

  // The alert names the file, as text.
  const alert = page.locator('#fatal');
  assert.ok(await alert.isVisible(), 'the crash is announced');
  assert.equal(await alert.getAttribute('role'), 'alert');
  const said = await text(page, '#fatal');
  assert.ok(said.includes('Keyhole stopped while checking ' + files.crashName), said);
  assert.match(said, /checked your other files/);
  assert.match(said, /panicked at the test shim/);
  assert.equal(await page.locator('#fatal img, #file-list img').count(), 0, 'the file name is not markup');

  // Its row says it was not checked; the other files' findings are all there.
  const row = await text(page, `#file-list li.file-error:has-text("${CRASH_MARK}")`);
  assert.match(row, /Keyhole stopped while checking this file, so nothing in it was checked/);
  const expected = JSON.parse(cli(files.dir, files.good));
  assert.ok(expected.findings.length > 0);
  await assertShowsReport(page, expected, assert);
  assert.match(await text(page, '#headline'), /1 file could not be read/);

  // A fresh worker was started, the dead one closed.
  assert.ok(counts.started > startedBefore, 'a new worker was started');
  assert.ok(counts.closed >= 1, 'the crashed worker was terminated');

  if (checkDownload) {
    // The downloaded report lists the crashed file as unreadable, in its place.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#downloads button[data-format="json"]')]);
    const got = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.deepEqual(got.inputs.map((i) => i.file), files.names);
    assert.match(got.inputs[1].error, /nothing in it was checked/);
    assert.deepEqual(got.findings, expected.findings);
  }

  // A later upload works, in the new worker, and clears the alert.
  await page.click('#clear');
  await page.setInputFiles('#file-input', join(files.dir, 'sg.json'));
  await waitResults(page);
  assert.ok(await alert.isHidden(), 'the alert is gone');
  await assertShowsReport(page, JSON.parse(cli(files.dir, ['sg.json'])), assert);
}

let server;
let browser;

before(async () => {
  [server, browser] = await Promise.all([serve(), launch()]);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('a file that kills the audit worker', () => {
  test('served site: the worker is restarted, the file named, the rest audited', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    let rewritten = 0;
    await context.route('**/worker.js', async (route) => {
      const response = await route.fetch();
      const body = await response.text();
      assert.ok(body.includes(SITE_PRELUDE), 'the worker prelude is where the shim expects it');
      rewritten++;
      // The response keeps its headers, CSP included.
      await route.fulfill({ response, body: body.replace(SITE_PRELUDE, "import init, * as realApi from './keyhole.js';\n" + shim('realApi')) });
    });
    const { page, counts } = await openCounting(context, server.url);
    await crashAndRecover(page, counts, { checkDownload: true });
    assert.ok(rewritten >= 2, 'every worker ran the shim');
    await context.close();
  });

  test('single file: the same, from file://', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyhole-crash-single-'));
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, counts } = await openCounting(context, crashingSingleFile(dir));
    await crashAndRecover(page, counts, { checkDownload: false });
    await context.close();
  });

  test('a one-file upload that crashes is reported as not checked, never as clean', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyhole-crash-one-'));
    const { context, page } = await openPage(browser, crashingSingleFile(dir));
    const name = CRASH_MARK + '.json';
    copyFileSync(join(FIXTURES, 'aws-cli-describe-security-groups.json'), join(dir, name));
    await page.setInputFiles('#file-input', join(dir, name));
    await waitResults(page);
    assert.ok((await text(page, '#fatal')).includes('Keyhole stopped while checking ' + name));
    const headline = await text(page, '#headline');
    assert.match(headline, /1 file could not be checked/);
    assert.doesNotMatch(headline, /No problems found/);
    await context.close();
  });
});

/** A page on `url` whose workers are counted from the first one on. */
async function openCounting(context, url) {
  const page = await context.newPage();
  const counts = countWorkers(page);
  await page.goto(url);
  await waitReady(page);
  assert.equal(counts.started, 1, 'one worker at start');
  return { page, counts };
}
