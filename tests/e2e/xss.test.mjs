// Hostile text in every field the page renders, in the served site and the
// single file: resource names and ids, tags, policy text (evidence excerpts),
// logical ids and types ("not checked" list), error messages that quote the
// file, notes, unchecked items, and file names. Payloads: script tags, event
// handlers, javascript: URLs, SVG, mXSS, template injection and Trusted Types
// bypass attempts (tests/e2e/hostile-fixtures.mjs). Asserted: the text is
// shown literally, no element, handler or link is injected, the canary never
// runs, and (helpers.mjs afterEach) no CSP violation and no uncaught error.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SINGLE_FILE_URL, assertShowsReport, cli, expandAll, launch, openPage, serve, waitResults } from './helpers.mjs';
import { ALL, PAYLOADS, writeHostileFixtures } from './hostile-fixtures.mjs';

let server;
let browser;
let fixtures;

before(async () => {
  [server, browser] = await Promise.all([serve(), launch()]);
  const dir = mkdtempSync(join(tmpdir(), 'keyhole-hostile-'));
  fixtures = { dir, ...writeHostileFixtures(dir) };
  fixtures.report = JSON.parse(cli(dir, fixtures.names));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Every string in the report (what the page renders from the core). */
function strings(value, out = []) {
  if (typeof value === 'string') out.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** Opens everything that can be opened: every finding, every "not checked" list. */
async function openEverything(page) {
  await expandAll(page);
  for (const toggle of await page.locator('.finding-toggle').all()) {
    if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
  }
  await page.waitForFunction(() => !document.getElementById('groups').textContent.includes('Finding the place in your file'));
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
  });
}

/** Elements, attributes and links that only injected markup could have made. */
function injected(page) {
  return page.evaluate(() => {
    const all = [...document.querySelectorAll('*')];
    return {
      elements: [...document.querySelectorAll('img, iframe, object, embed, frame, base, meta[http-equiv="refresh"], math, template, style:not(head style), body script')]
        // The page's own scripts: data blocks, and the one page script at the end of <body>.
        .filter((el) => !(el.tagName === 'SCRIPT' && el.parentElement === document.body
          && (el.type === 'text/plain' || el.getAttribute('src') === 'app.js' || el.textContent.startsWith("(() => {\n'use strict';"))))
        .map((el) => el.outerHTML.slice(0, 80)),
      handlers: all.filter((el) => [...el.attributes].some((a) => /^on/i.test(a.name))).map((el) => el.tagName),
      links: [...document.querySelectorAll('[href], [src], [action], [formaction], [srcdoc], [data]')]
        .map((el) => el.getAttribute('href') || el.getAttribute('src') || el.getAttribute('action') || el.getAttribute('formaction') || el.getAttribute('srcdoc') || el.getAttribute('data'))
        .filter((u) => !/^(#|blob:|https:\/\/|data:image\/svg\+xml,|app\.js$|style\.css$)/.test(u)),
      policies: window.trustedTypes ? [window.trustedTypes.defaultPolicy === null] : [true],
      // A <script> in the page other than the page's own.
      svgScripts: document.querySelectorAll('svg script').length,
    };
  });
}

async function hostileUpload(url) {
  const { context, page, log } = await openPage(browser, url);
  await page.setInputFiles('#file-input', fixtures.names.map((n) => join(fixtures.dir, n)));
  await waitResults(page);
  const report = fixtures.report;
  await assertShowsReport(page, report, assert);
  await openEverything(page);
  const shown = await page.locator('body').innerText();

  // Every payload the report carries is on the page, character for character.
  const inReport = ALL.filter((p) => strings(report).some((s) => s.includes(p)) || fixtures.names.some((n) => n.includes(p)));
  for (const p of inReport) assert.ok(shown.includes(p), 'shown literally: ' + p);
  // The fixtures reach every kind of field (so that a fixture change cannot
  // quietly stop testing one): names, errors, skipped items, file names, excerpts.
  const where = (p) => ({
    name: report.findings.some((f) => f.resource.name.includes(p)),
    error: report.inputs.some((i) => (i.error || '').includes(p)),
    skipped: report.inputs.some((i) => i.skipped.some((s) => s.pointer.includes(p) || s.reason.includes(p))),
    file: fixtures.names.some((n) => n.includes(p)),
  });
  assert.ok(where(PAYLOADS.img).name && where(PAYLOADS.img).file, 'a payload in a resource name and a file name');
  assert.ok(where(PAYLOADS.object).error && where(PAYLOADS.short).error, 'payloads in error messages');
  assert.ok(where(PAYLOADS.mxss).skipped && where(PAYLOADS.template).skipped, 'payloads in the "not checked" list');
  // Evidence excerpts show tags (Terraform) and policy text (decoded from
  // the Terraform policy string) as the files hold them: escaped as a JSON
  // string, or decoded.
  const asInFile = (p) => [p, JSON.stringify(p).slice(1, -1)];
  for (const p of [PAYLOADS.ttDefault, PAYLOADS.ttPolicy, PAYLOADS.base, PAYLOADS.srcdoc, PAYLOADS.closer]) {
    assert.ok(asInFile(p).some((form) => shown.includes(form)), 'excerpt shows ' + p);
  }
  assert.ok(inReport.length >= 10, 'most payloads reach the report: ' + inReport.length);

  assert.deepEqual(await injected(page), { elements: [], handlers: [], links: [], policies: [true], svgScripts: 0 });

  // Interacting with the rendered text runs nothing either: search for a
  // payload, group by resource, visit the rules page and come back.
  await page.fill('#search', PAYLOADS.img);
  await page.waitForFunction(() => document.getElementById('showing').textContent.startsWith('Showing'));
  await page.selectOption('#group-by', 'resource');
  await page.fill('#search', '');
  await page.click('a[href="#/rules"]');
  await page.goBack();

  // The downloads carry the text as data, under a fixed file name.
  for (const format of ['json', 'csv', 'sarif']) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#downloads button[data-format="${format}"]`)]);
    assert.equal(download.suggestedFilename(), 'keyhole-report.' + format);
    assert.equal(readFileSync(await download.path(), 'utf8'), cli(fixtures.dir, fixtures.names, format));
  }
  assert.deepEqual(log.canary, [], 'no payload ran');
  assert.deepEqual(log.violations, [], 'no CSP violation');
  await context.close();
}

describe('hostile text in every rendered field', () => {
  test('served site', () => hostileUpload(server.url));
  test('single file', () => hostileUpload(SINGLE_FILE_URL));

  test('the canary works: a payload that reaches a sink is caught', async () => {
    // Proof that the checks above can fail: try a handler attribute through
    // a DOM sink the page never uses (Trusted Types must refuse it and report
    // it), then call the canary as a payload that did run would. Both must be seen.
    const { context, page, log } = await openPage(browser, server.url);
    log.allowViolations(/require-trusted-types-for|TrustedScript/);
    const refused = await page.evaluate(() => {
      const img = document.createElement('img');
      try {
        img.setAttribute('onerror', "__xss('inline')");
        return 'allowed';
      } catch (e) {
        return e.name;
      } finally {
        window.__xss('direct');
      }
    });
    assert.equal(refused, 'TypeError', 'Trusted Types refuse a handler from a string');
    await page.waitForTimeout(200);
    assert.deepEqual(log.canary, ['__xss(direct)']);
    assert.ok(log.violations.some((v) => v.directive === 'require-trusted-types-for'), JSON.stringify(log.violations));
    log.canary.length = 0; // handled here: the afterEach check would fail the test on it
    await context.close();
  });
});
