// The single-file build (dist/www/keyhole.html) opened from disk, file://,
// with no server at all.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  DEMO, DIST, FIXTURES, SINGLE_FILE_URL, assertPrivate, assertShowsReport, cli, launch, openPage, screenshot, waitResults,
} from './helpers.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

function open() {
  return openPage(browser, SINGLE_FILE_URL);
}

describe('the single file from disk', () => {
  test('loads nothing but itself, under a hash-based CSP', async () => {
    const { context, page, log } = await open();
    const network = log.requests.filter((r) => !r.url.startsWith('blob:'));
    assert.deepEqual(network.map((r) => r.url), [SINGLE_FILE_URL], 'only the file itself is read');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.build), 'single');
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+' 'wasm-unsafe-eval'/);
    assert.match(csp, /connect-src 'none'/);
    assert.match(csp, /worker-src blob:/);
    assert.match(csp, /require-trusted-types-for 'script'/);
    assert.doesNotMatch(csp, /'self'|'unsafe-inline'|'unsafe-eval'|https?:/);
    const html = readFileSync(join(DIST, 'keyhole.html'), 'utf8');
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+stylesheet|(src|href)\s*=\s*["']?https?:|url\(\s*["']?https?:|@import/i, 'nothing external is referenced');
    await assertPrivate(log, page, assert, { origin: 'file://' });
    await context.close();
  });

  test('the demo and dropped files give the CLI findings, offline', async () => {
    const { context, page, log } = await open();
    await page.click('#demo');
    await waitResults(page);
    await assertShowsReport(page, JSON.parse(cli(dirname(DEMO), [basename(DEMO)])), assert);
    await page.locator('.finding-toggle').first().click();
    await page.waitForSelector('.finding-detail:not([hidden]) mark.blamed');
    await screenshot(page, '11-single-file-demo', '#groups .finding-detail:not([hidden])');

    await page.click('#clear');
    const dir = mkdtempSync(join(tmpdir(), 'keyhole-single-'));
    writeFileSync(join(dir, 'snapshot.json.gz'), gzipSync(readFileSync(join(FIXTURES, 'aws-config-snapshot.json'))));
    copyFileSync(join(FIXTURES, 'aws-cli-describe-security-groups.json'), join(dir, 'sg.json'));
    copyFileSync(join(FIXTURES, 'not-json.json'), join(dir, 'not-json.json'));
    const names = ['snapshot.json.gz', 'sg.json', 'not-json.json'];
    await page.setInputFiles('#file-input', names.map((n) => join(dir, n)));
    await waitResults(page);
    await assertShowsReport(page, JSON.parse(cli(dir, names)), assert);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#downloads button[data-format="sarif"]')]);
    assert.equal(readFileSync(await download.path(), 'utf8'), cli(dir, names, 'sarif'));
    await assertPrivate(log, page, assert, { origin: 'file://' });
    await context.close();
  });

  test('hostile names render as inert text', async () => {
    const { context, page, log } = await open();
    const dir = mkdtempSync(join(tmpdir(), 'keyhole-single-xss-'));
    const hostile = '"><svg onload=window.__pwned=1>.json';
    copyFileSync(join(FIXTURES, 'xss-snapshot.json'), join(dir, hostile));
    await page.setInputFiles('#file-input', join(dir, hostile));
    await waitResults(page);
    await assertShowsReport(page, JSON.parse(cli(dir, [hostile])), assert);
    for (const toggle of await page.locator('.finding-toggle').all()) await toggle.click();
    await page.waitForFunction(() => !document.getElementById('groups').textContent.includes('Finding the place in your file'));
    assert.ok((await page.locator('body').innerText()).includes('<img src=x onerror=window.__pwned=1>'));
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(await page.evaluate(() => document.querySelectorAll('img, iframe, svg[onload], [onerror], [onload], [onmouseover]').length), 0);
    await assertPrivate(log, page, assert, { origin: 'file://' });
    await context.close();
  });

  test('Trusted Types refuse HTML strings and any other script URL', async () => {
    const { context, page, log } = await open();
    // These refusals are the point of the test: the afterEach check lets them
    // through, and the test asserts that each one was reported.
    log.allowViolations(/require-trusted-types-for|trusted-types|TrustedHTML|TrustedScriptURL|Trusted Type/);
    const refused = await page.evaluate(() => {
      const out = {};
      try {
        document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=window.__pwned=1>');
        out.html = 'allowed';
      } catch (e) {
        out.html = e.name;
      }
      try {
        new Worker('data:text/javascript,postMessage(1)');
        out.worker = 'allowed';
      } catch (e) {
        out.worker = e.name;
      }
      try {
        trustedTypes.createPolicy('other', { createHTML: (s) => s });
        out.policy = 'allowed';
      } catch (e) {
        out.policy = e.name;
      }
      return out;
    });
    assert.deepEqual(refused, { html: 'TypeError', worker: 'TypeError', policy: 'TypeError' });
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    const directives = log.violations.map((v) => v.directive).sort();
    assert.deepEqual(directives, ['require-trusted-types-for', 'require-trusted-types-for', 'trusted-types'], JSON.stringify(log.violations));
    await context.close();
  });
});
