#!/usr/bin/env node
// Drops an exporter's bundle into the Keyhole page, as a new user would, and
// checks the page shows the same report as the Keyhole CLI: every finding
// (rule, resource, message), the counts by severity, the input's format, and
// one "could not check" entry per failed call; with no request and no CSP
// violation. The exporter tests have already checked that the CLI's findings
// are exactly the seeded exposures, so the page shows exactly those too.
//
//   node tests/exporters/page_check.mjs BUNDLE
//
// Uses the single file (dist/www/keyhole.html, from scripts/build-www.sh) from
// file://, headless Chromium and the CLI named by KEYHOLE_CLI. Prints one
// JSON line: {"findings": N, "unchecked": M}.

import assert from 'node:assert/strict';
import { basename, dirname } from 'node:path';
import {
  SINGLE_FILE_URL, assertPrivate, assertShowsReport, cli, launch, record, waitReady, waitResults,
} from '../e2e/helpers.mjs';

const bundle = process.argv[2];
if (!bundle) {
  console.error('usage: node tests/exporters/page_check.mjs BUNDLE');
  process.exit(2);
}

const report = JSON.parse(cli(dirname(bundle), [basename(bundle)]));
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const log = await record(context);
  const page = await context.newPage();
  await page.goto(SINGLE_FILE_URL);
  await waitReady(page);
  log.mark('loaded');
  await page.setInputFiles('#file-input', bundle);
  await waitResults(page);
  await assertShowsReport(page, report, assert);
  const unchecked = report.unchecked || [];
  if (unchecked.length) {
    assert.equal(await page.locator('#unchecked').isVisible(), true, 'the "could not check" section is shown');
  }
  assert.equal(await page.locator('#unchecked-list > li').count(), unchecked.length, 'one "could not check" entry per failed call');
  await assertPrivate(log, page, assert, { origin: 'file://' });
  await context.close();
  console.log(JSON.stringify({ findings: report.findings.length, unchecked: unchecked.length }));
} finally {
  await browser.close();
}
