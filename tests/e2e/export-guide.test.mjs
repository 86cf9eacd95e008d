// The "How to export" guide (www/js/export-guide.js): on the served site and
// in the single file, for each cloud, the guide shows, its commands copy (or
// are selected with a visible message when there is no clipboard), and the
// script it downloads is export/<cloud>.sh byte for byte. No request leaves
// the page's origin and the CSP reports nothing.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SINGLE_FILE_URL, assertPrivate, launch, record, screenshot, serve, text, waitReady } from './helpers.mjs';

const CLOUDS = [
  { id: 'aws', script: 'aws.sh', run: 'bash aws.sh', reads: /SecurityAudit.*What it reads.*What it never reads.*Actions → Download file.*deliver-config-snapshot.*terraform show -json/ },
  { id: 'azure', script: 'azure.sh', run: 'bash azure.sh', reads: /Reader.*What it reads.*What it never reads.*Manage files → Download.*Export template.*terraform show -json/ },
  { id: 'gcp', script: 'gcp.sh', run: 'bash gcp.sh', reads: /Security Reviewer.*What it reads.*What it never reads.*More → Download.*gcloud asset export.*terraform show -json/ },
];

const scriptBytes = (name) => readFileSync(join(ROOT, 'export', name));

let server;
let browser;

before(async () => {
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(url, options = {}) {
  const { noClipboard, ...contextOptions } = options;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...contextOptions });
  const log = await record(context);
  if (noClipboard) {
    await context.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined, configurable: true });
    });
  }
  const page = await context.newPage();
  await page.goto(url);
  await waitReady(page);
  log.mark('loaded');
  return { context, page, log };
}

/** Opens one cloud's part of the guide; returns its locator. */
async function openCloud(page, cloud) {
  const details = page.locator(`details.export-cloud[data-cloud="${cloud.id}"]`);
  await details.locator('summary').click();
  assert.equal(await details.evaluate((d) => d.open), true);
  return details;
}

/** Clicks the cloud's Download button; returns the downloaded file's name and bytes. */
async function downloadScript(page, details) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    details.locator('button.export-download').click(),
  ]);
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
}

describe('how to export', () => {
  test('served: each cloud has its guide, a fetch-and-run line from this origin, a copy button and the exact script', async () => {
    const { context, page, log } = await open(server.url, { permissions: ['clipboard-read', 'clipboard-write'] });
    assert.match(await text(page, '#export-guide'), /How to export.*never your files/);
    for (const cloud of CLOUDS) {
      const details = await openCloud(page, cloud);
      const shown = (await details.innerText()).replace(/\s+/g, ' ');
      assert.match(shown, cloud.reads, `${cloud.id}: what it reads, not, what to do with the file, alternatives`);

      // The one-liner fetches the script from the page's own origin.
      const url = server.url + 'export/' + cloud.script;
      const commands = await details.locator('.export-command pre code').allInnerTexts();
      assert.deepEqual(commands, [`curl -fsSLO '${url}' && ${cloud.run}`, cloud.run]);
      const served = await fetch(url);
      assert.equal(served.status, 200);
      assert.ok(Buffer.from(await served.arrayBuffer()).equals(scriptBytes(cloud.script)), `${url} is export/${cloud.script}`);
      // 127.0.0.1 cannot be reached from a cloud shell: the guide says so.
      assert.match(await details.locator('.export-note').innerText(), /your own computer \(127\.0\.0\.1:\d+\)/);

      // Copy puts the exact line on the clipboard.
      await details.locator('.export-command').first().locator('button.copy').click();
      await details.locator('.export-command .copy-status', { hasText: 'Copied' }).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), commands[0]);

      const file = await downloadScript(page, details);
      assert.equal(file.name, cloud.script);
      assert.ok(file.bytes.equals(scriptBytes(cloud.script)), `the downloaded ${cloud.script} is export/${cloud.script} byte for byte`);
    }
    await screenshot(page, '20-export-guide', '#export-guide');
    await assertPrivate(log, page, assert, { origin: server.url });
    await context.close();
  });

  test('without a clipboard, Copy selects the command and says how to copy it', async () => {
    const { context, page, log } = await open(server.url, { noClipboard: true });
    const details = await openCloud(page, CLOUDS[1]);
    const run = details.locator('.export-command').nth(1);
    await run.locator('button.copy').click();
    assert.match(await run.locator('.copy-status').innerText(), /Selected: press Ctrl\+C/);
    assert.equal(await page.evaluate(() => window.getSelection().toString()), CLOUDS[1].run);
    await assertPrivate(log, page, assert, { origin: server.url });
    await context.close();
  });

  test('single file from disk: the scripts download offline, with no fetch line', async () => {
    const { context, page, log } = await open(SINGLE_FILE_URL);
    for (const cloud of CLOUDS) {
      const details = await openCloud(page, cloud);
      const commands = await details.locator('.export-command pre code').allInnerTexts();
      assert.deepEqual(commands, [cloud.run], 'file:// has no origin to fetch from: only the run line');
      assert.match((await details.innerText()).replace(/\s+/g, ' '), cloud.reads);
      const file = await downloadScript(page, details);
      assert.equal(file.name, cloud.script);
      assert.ok(file.bytes.equals(scriptBytes(cloud.script)), `the downloaded ${cloud.script} is export/${cloud.script} byte for byte`);
    }
    await assertPrivate(log, page, assert, { origin: 'file://' });
    await context.close();
  });
});
