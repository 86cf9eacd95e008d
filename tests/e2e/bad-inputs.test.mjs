// The bad-input suite in the page: every case of
// tests/fixtures/bad-inputs/cases.json is dropped on the page together with
// the companion file. The page must show what the CLI reports for the same
// two files (the case's error, naming the file and the place, or its audit)
// and the companion's finding; the CLI's report must be the catalogue's
// stated outcome. A file too big for the page is refused by name, and the
// other file of the upload is still audited.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertShowsReport, cli, expandAll, launch, serve, text, waitReady, waitResults } from './helpers.mjs';
import { casesFor, catalogue, companion, make, problems } from '../support/bad-inputs.mjs';

let server;
let browser;
let page;
let dir;
const pageErrors = [];
const other = companion();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keyhole-bad-inputs-'));
  writeFileSync(join(dir, other.name), other.bytes);
  [server, browser] = await Promise.all([serve(), launch()]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  await page.goto(server.url);
  await waitReady(page);
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Drops `files` (paths or { name, buffer }) on a fresh page state and waits for the results. */
async function drop(files) {
  if (await page.locator('#clear').isVisible()) await page.click('#clear');
  await page.setInputFiles('#file-input', files);
  await waitResults(page);
}

/** The status text of a file's row in the file list. */
async function row(name) {
  return text(page, `#file-list li.file[data-file="${name}"]`);
}

async function assertCompanionShown() {
  assert.deepEqual(pageErrors, [], 'no uncaught error in the page');
  assert.equal(await page.locator('#fatal').isVisible(), false, 'the check did not stop');
  await expandAll(page);
  const groups = await text(page, '#groups');
  for (const f of catalogue.companion.findings) assert.ok(groups.includes(f.rule), `the companion's ${f.rule} is shown`);
  assert.ok(groups.includes('companion-ssh'), "the companion's security group is shown");
  assert.ok((await row(other.name)).includes('1 resource checked'), await row(other.name));
}

for (const kase of casesFor('page')) {
  test(`${kase.id}: ${kase.about}`, async () => {
    const bytes = make(kase.make);
    writeFileSync(join(dir, kase.name), bytes);
    const report = JSON.parse(cli(dir, [kase.name, other.name]));
    // The gzip bomb is refused at the WebAssembly limit (256 MB), lower than the CLI's.
    if (kase.id !== 'gzip-bomb') assert.deepEqual(problems(kase, report), [], 'the CLI gives the stated outcome');
    await drop([{ name: kase.name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) }, { name: other.name, mimeType: 'application/json', buffer: Buffer.from(other.bytes) }]);
    const status = await row(kase.name);
    if (kase.expect.error) {
      assert.ok(status.includes('Could not be read'), status);
      for (const needle of kase.expect.error.says) assert.ok(status.includes(needle), `${status} should say ${needle}`);
      if (kase.expect.error.place) assert.ok(status.includes(kase.expect.error.place), `${status} should name ${kase.expect.error.place}`);
    }
    if (kase.id === 'gzip-bomb') assert.ok(status.includes('more than 256 MB'), status);
    else await assertShowsReport(page, report, assert);
    await assertCompanionShown();
  });
}

test('a file over 256 MB is refused by name, and the other file is still audited', async () => {
  const kase = catalogue.cases.find((c) => c.id === 'page-too-big');
  const path = join(dir, kase.name);
  // Sparse: the page refuses it by its size, before reading a byte.
  const fd = openSync(path, 'w');
  ftruncateSync(fd, kase.make.sparse_mb * 1024 * 1024);
  closeSync(fd);
  await drop([path, join(dir, other.name)]);
  const status = await row(kase.name);
  assert.ok(status.includes('Could not be read'), status);
  for (const needle of kase.expect.error.says) assert.ok(status.includes(needle), `${status} should say ${needle}`);
  await assertCompanionShown();
});
