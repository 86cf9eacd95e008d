// A 50 MB AWS Config snapshot: progress is shown, the page keeps answering
// while the audit runs in its worker, no request is made, and the findings
// are the CLI's.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertPrivate, cli, launch, record, screenshot, serve, waitReady, waitResults, writeBigSnapshot } from './helpers.mjs';

const MB = 50;
let server;
let browser;
let dir;
let big;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keyhole-big-'));
  [big, server, browser] = await Promise.all([writeBigSnapshot(join(dir, 'big-snapshot.json'), MB), serve(), launch()]);
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test(`a ${MB} MB export: progress, a responsive page, no request, the CLI's findings`, async (t) => {
  assert.ok(statSync(big.path).size >= MB * 1024 * 1024);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const log = await record(context);
  const page = await context.newPage();
  await page.goto(server.url);
  await waitReady(page);
  log.mark('loaded');

  // A 25 ms heartbeat on the page's main thread: a blocked thread shows as a gap.
  await page.evaluate(() => {
    window.__beats = [];
    setInterval(() => window.__beats.push(performance.now()), 25);
  });

  await page.setInputFiles('#file-input', big.path);
  await page.waitForFunction(() => document.getElementById('progress').dataset.phase === 'auditing', null, { polling: 20 });
  await screenshot(page, '10-big-file-progress');

  // While the worker audits, use the page: open the rules and search them.
  const before = await page.evaluate(() => document.getElementById('progress').dataset.phase);
  const started = Date.now();
  await page.click('a[data-view="rules"]');
  await page.fill('#rule-search', 'security group');
  await page.waitForFunction(() => /^Showing \d+ of/.test(document.getElementById('rules-showing').textContent));
  const answeredMs = Date.now() - started;
  const during = await page.evaluate(() => document.getElementById('progress').dataset.phase);
  await page.click('a[data-view="audit"]');

  await waitResults(page);
  const timing = await page.evaluate(() => {
    const phases = window.__phases;
    const start = phases.find((p) => p.phase === 'auditing').at;
    const end = phases.find((p) => p.phase === 'rendering').at;
    const beats = [start, ...window.__beats.filter((t) => t > start && t < end), end];
    let gap = 0;
    for (let i = 1; i < beats.length; i++) gap = Math.max(gap, beats[i] - beats[i - 1]);
    return { phases: phases.map((p) => p.phase), auditMs: end - start, maxGapMs: gap };
  });
  t.diagnostic(`${MB} MB: audit phase ${Math.round(timing.auditMs)} ms, longest main-thread gap ${Math.round(timing.maxGapMs)} ms, `
    + `rules search answered in ${answeredMs} ms (progress was "${before}" before and "${during}" after)`);

  // Progress was shown for both phases, in order.
  const order = timing.phases.filter((p) => ['reading', 'auditing', 'rendering', 'idle'].includes(p));
  assert.deepEqual(order.slice(order.indexOf('reading')), ['reading', 'auditing', 'rendering', 'idle']);
  // The page answered while the audit ran: the search was handled, and the
  // main thread never stalled for long (an audit on the main thread would
  // block it for the whole audit). Loose bounds: this is about freezing, not speed.
  assert.equal(before, 'auditing');
  assert.ok(answeredMs < 5000, 'the rules search answered in ' + answeredMs + ' ms');
  assert.ok(timing.maxGapMs < 1000, 'main thread stalled for ' + Math.round(timing.maxGapMs) + ' ms during the audit');

  // The same numbers as the CLI.
  const report = JSON.parse(cli(dir, ['big-snapshot.json']));
  for (const [severity, n] of Object.entries(report.summary)) {
    const shown = await page.locator(`#summary [data-severity="${severity}"] .tile-count`).innerText();
    assert.equal(Number(shown.replace(/,/g, '')), n, severity);
  }
  const status = (await page.locator('#file-list').innerText()).replace(/\s+/g, ' ');
  assert.ok(status.includes(report.inputs[0].resources.toLocaleString('en') + ' resources'), status);
  assert.equal(report.inputs[0].resources, big.buckets + big.groups);

  // Evidence still resolves in a 50 MB file.
  await page.locator('.finding-toggle').first().click();
  await page.waitForSelector('.finding-detail:not([hidden]) mark.blamed', { timeout: 30000 });
  await assertPrivate(log, page, assert, { origin: server.url });
  await context.close();
});
