// The served site (dist/www behind scripts/serve.mjs) in headless Chromium.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  DEMO, FIXTURES, ROOT, assertPrivate, assertShowsReport, cli, cliPath, expandAll, launch, openPage, screenshot, serve, text, waitResults,
} from './helpers.mjs';

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

function open({ path = '', ...options } = {}) {
  return openPage(browser, server.url + path, options);
}

/** The CLI's report for the demo the page embeds. */
function demoReport(format = 'json') {
  const out = cli(dirname(DEMO), [basename(DEMO)], format);
  return format === 'json' ? JSON.parse(out) : out;
}

/** Fixture files as a user might drop them: gzipped, UTF-16 from PowerShell, broken. */
function droppedFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'keyhole-e2e-'));
  writeFileSync(join(dir, 'config-snapshot.json.gz'), gzipSync(readFileSync(join(FIXTURES, 'aws-config-snapshot.json'))));
  const sg = readFileSync(join(FIXTURES, 'aws-cli-describe-security-groups.json'), 'utf8');
  writeFileSync(join(dir, 'sg-powershell.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sg.replace(/\n/g, '\r\n'), 'utf16le')]));
  copyFileSync(join(FIXTURES, 'not-json.json'), join(dir, 'not-json.json'));
  copyFileSync(join(ROOT, 'tests', 'fixtures', 'equivalence', 'aws', 'template.yaml'), join(dir, 'template.yaml'));
  const names = ['config-snapshot.json.gz', 'sg-powershell.json', 'not-json.json', 'template.yaml'];
  return { dir, names, paths: names.map((n) => join(dir, n)) };
}

describe('the served site', () => {
  test('first load fetches only its own files, with the CSP on every response', async () => {
    const { context, page, log } = await open();
    const urls = log.requests.map((r) => r.url);
    // The recorder sees the worker's own requests too (the wasm is fetched by the worker).
    for (const file of ['', 'app.js', 'style.css', 'worker.js', 'keyhole.js', 'keyhole_bg.wasm']) {
      assert.ok(urls.includes(server.url + file), `loaded ${file || 'index.html'}: ${urls.join(' ')}`);
    }
    await assertPrivate(log, page, assert, { origin: server.url });
    for (const [file, type] of [['', 'text/html'], ['worker.js', 'text/javascript'], ['keyhole_bg.wasm', 'application/wasm']]) {
      const res = await fetch(server.url + file);
      assert.ok(res.headers.get('content-type').startsWith(type), file + ' content type');
      const csp = res.headers.get('content-security-policy');
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /require-trusted-types-for 'script'/);
      assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/);
    }
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(meta, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.match(meta, /connect-src 'self'/);
    assert.match(meta, /trusted-types keyhole/);
    assert.match(await text(page, '#privacy-note'), /Nothing leaves this device.*network panel.*disconnect from the internet/);
    await screenshot(page, '01-start');
    await context.close();
  });

  test('the demo export shows the findings the CLI gives', async () => {
    const { context, page, log } = await open();
    await page.click('#demo');
    await waitResults(page);
    const report = demoReport();
    assert.ok(report.findings.length > 0, 'the demo has findings');
    await assertShowsReport(page, report, assert);
    assert.equal(await page.locator('#unchecked-list li').count(), report.unchecked.length);
    await screenshot(page, '02-demo-summary', '#files');
    await screenshot(page, '02-demo-findings', '#findings');

    // A finding's detail: explanation, fix, and the evidence from the file, highlighted.
    const row = page.locator('#groups .finding').first();
    const firstMessage = await row.locator('.finding-message').innerText();
    const first = report.findings.find((f) => f.message === firstMessage);
    await row.locator('.finding-toggle').click();
    const detail = row.locator('.finding-detail');
    await detail.locator('.excerpt pre.json').first().waitFor();
    const shown = await detail.innerText();
    assert.match(shown, /Why it matters/);
    assert.match(shown, /How to fix it/);
    assert.match(shown, /In the console/i);
    assert.match(shown, /With the command line/i);
    assert.match(shown, /With Terraform/i);
    assert.ok(shown.includes(first.message));
    if (first.sensitive.length) assert.match(shown, /may hold personal or business data/i);
    for (const note of first.notes || []) assert.ok(shown.includes(note), 'note shown: ' + note);
    assert.equal(await detail.locator('figure.excerpt').count(), first.evidence.length);
    const marks = await detail.locator('mark.blamed').count();
    assert.ok(marks >= first.evidence.length, 'each evidence highlights its value');
    assert.doesNotMatch(shown, /Could not show this place/);
    await screenshot(page, '03-finding-detail', '#groups .finding-detail:not([hidden])');
    await screenshot(page, '03-finding-evidence', '#groups .finding-detail:not([hidden]) .evidence');
    await screenshot(page, '03-finding-fix', '#groups .finding-detail:not([hidden]) .explain');
    // The rule link opens its documentation on the rules page, and Back returns.
    await detail.locator(`a[href="#/rules/${first.rule}"]`).click();
    await page.waitForSelector(`[id="rule-${first.rule}"] details[open]`);
    assert.ok(await page.locator('#view-rules').isVisible());
    await page.goBack();
    await page.waitForSelector('#view-audit:not([hidden])');
    await assertPrivate(log, page, assert, { origin: server.url });
    await context.close();
  });

  test('dropped files (gzip, UTF-16, broken JSON): status per file and the same report as the CLI', async () => {
    const { context, page, log } = await open();
    const files = droppedFiles();
    await page.setInputFiles('#file-input', files.paths);
    await waitResults(page);
    const report = JSON.parse(cli(files.dir, files.names));
    assert.ok(report.inputs.some((i) => i.error), 'the broken file is reported');
    assert.ok(report.findings.length > 0);
    await assertShowsReport(page, report, assert);
    const broken = await text(page, '#file-list li.file-error');
    assert.match(broken, /not-json\.json/);
    assert.match(broken, /line \d+/, 'the error says where');
    await screenshot(page, '04-dropped-files', '#files');

    // Evidence resolves inside the gzipped and the UTF-16 file, and by line in the YAML template.
    for (const name of ['config-snapshot.json.gz', 'sg-powershell.json', 'template.yaml']) {
      const index = report.findings.findIndex((f) => f.evidence[0].file === name);
      assert.ok(index >= 0, 'a finding from ' + name);
      const row = page.locator('#groups .finding', { hasText: report.findings[index].message }).first();
      await row.locator('.finding-toggle').click();
      await row.locator('.finding-detail .excerpt pre.json').first().waitFor();
      assert.ok(await row.locator('mark.blamed').count() > 0, 'highlight in ' + name);
      assert.equal(await row.locator('.finding-detail .error-text').count(), 0, 'no "could not show" in ' + name);
    }

    // Downloads are the CLI's bytes.
    for (const format of ['json', 'sarif', 'csv']) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#downloads button[data-format="${format}"]`)]);
      assert.equal(download.suggestedFilename(), 'keyhole-report.' + format);
      const got = readFileSync(await download.path(), 'utf8');
      assert.equal(got, cli(files.dir, files.names, format), format + ' download equals the CLI output');
    }
    await assertPrivate(log, page, assert, { origin: server.url });
    await context.close();
  });

  test('filters by severity, provider and rule, and text search', async () => {
    const { context, page } = await open();
    await page.click('#demo');
    await waitResults(page);
    const report = demoReport();
    const showing = () => text(page, '#showing');
    const rows = () => page.locator('#groups .finding').count();

    const worst = ['critical', 'high', 'medium', 'low', 'info'].find((s) => report.summary[s] > 0);
    await page.click(`#summary [data-severity="${worst}"]`);
    await expandAll(page);
    assert.equal(await rows(), report.summary[worst]);
    assert.match(await showing(), new RegExp(`Showing ${report.summary[worst]} of`));

    for (const sev of ['critical', 'high', 'medium', 'low', 'info']) {
      if (!(await page.locator('#sev-' + sev).isChecked())) await page.locator(`label[for="sev-${sev}"]`).click();
    }
    const rule = report.findings[report.findings.length - 1].rule;
    await page.selectOption('#rule-filter', rule);
    await expandAll(page);
    assert.equal(await rows(), report.findings.filter((f) => f.rule === rule).length);
    await page.selectOption('#rule-filter', '');

    await page.selectOption('#provider-filter', 'aws');
    await expandAll(page);
    assert.equal(await rows(), report.findings.filter((f) => f.resource.provider === 'aws').length);

    const name = report.findings[0].resource.name;
    await page.fill('#search', name);
    await page.waitForFunction((n) => document.getElementById('showing').textContent.startsWith('Showing') && [...document.querySelectorAll('#groups .finding-name')].every((e) => e.closest('.finding').textContent.includes(n)), name);
    await expandAll(page);
    const expected = report.findings.filter((f) => [f.rule, f.title, f.message, f.resource.name, f.resource.id, f.resource.type].join('\n').toLowerCase().includes(name.toLowerCase())).length;
    assert.ok(await rows() >= expected && expected > 0, 'search finds the resource');
    await page.fill('#search', 'no-such-thing-anywhere');
    await page.waitForSelector('text=No findings match these filters.');
    await page.fill('#search', '');

    await page.selectOption('#group-by', 'resource');
    const resources = new Set(report.findings.map((f) => f.resource.provider + f.resource.type + f.resource.id)).size;
    await page.waitForFunction((n) => document.querySelectorAll('#groups .group').length === Math.min(n, 30), resources);
    await screenshot(page, '05-grouped-by-resource', '#findings');
    await context.close();
  });

  test('names, tags and policies holding HTML or script render as inert text', async () => {
    const { context, page, log } = await open();
    const dir = mkdtempSync(join(tmpdir(), 'keyhole-xss-'));
    const hostile = '<img src=x onerror=window.__pwned=1>.json';
    copyFileSync(join(FIXTURES, 'xss-snapshot.json'), join(dir, hostile));
    await page.setInputFiles('#file-input', join(dir, hostile));
    await waitResults(page);
    const report = JSON.parse(cli(dir, [hostile]));
    assert.ok(report.findings.length > 0);
    await assertShowsReport(page, report, assert);
    // Open every finding, so that every evidence excerpt (tags, policy text) is rendered.
    for (const toggle of await page.locator('.finding-toggle').all()) await toggle.click();
    await page.waitForFunction(() => !document.getElementById('groups').textContent.includes('Finding the place in your file'));
    const body = await page.locator('body').innerText();
    assert.ok(body.includes('<img src=x onerror=window.__pwned=1>'), 'the payload is shown as text');
    assert.ok(body.includes(hostile), 'the file name is shown as text');
    assert.ok(body.includes('<svg onload=window.__pwned=1>'), 'the security group name is shown as text');
    await page.hover('text=<img src=x onerror=window.__pwned=1>', { strict: false }).catch(() => {});
    await page.goto(server.url + '#/rules');
    await page.goBack();
    assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no payload ran');
    const injected = await page.evaluate(() => ({
      img: document.querySelectorAll('img, iframe, object, embed').length,
      handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => /^on/i.test(a.name))).length,
      scripts: [...document.scripts].filter((s) => s.src && !s.src.endsWith('/app.js')).length,
      links: [...document.querySelectorAll('a[href]')].filter((a) => /^javascript:/i.test(a.getAttribute('href'))).length,
    }));
    assert.deepEqual(injected, { img: 0, handlers: 0, scripts: 0, links: 0 });
    await screenshot(page, '06-hostile-names', '#files');
    await screenshot(page, '06-hostile-names-evidence', '#groups .evidence');
    await assertPrivate(log, page, assert, { origin: server.url });
    await context.close();
  });

  test('the rules page is rendered from rules()', async () => {
    const { context, page } = await open({ path: '#/rules' });
    const catalogue = JSON.parse(execFileSync(cliPath(), ['rules', '--format', 'json'], { encoding: 'utf8' }));
    const cards = await page.locator('.rule-card').count();
    assert.equal(cards, catalogue.length);
    for (const r of catalogue) {
      const card = page.locator(`.rule-card[data-rule="${r.id}"]`);
      assert.ok((await card.innerText()).includes(r.title));
    }
    await page.locator('.rule-card summary').first().click();
    await page.fill('#rule-search', 'security group');
    assert.match(await text(page, '#rules-showing'), /Showing \d+ of/);
    await page.fill('#rule-search', '');
    await screenshot(page, '07-rules');
    await context.close();
  });

  test('keyboard only: reach the demo, open a finding', async () => {
    const { context, page } = await open();
    let reached = false;
    for (let i = 0; i < 20 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement && document.activeElement.id === 'demo');
    }
    assert.ok(reached, 'Tab reaches "Try the demo export"');
    await page.keyboard.press('Enter');
    await waitResults(page);
    let onFinding = false;
    for (let i = 0; i < 80 && !onFinding; i++) {
      await page.keyboard.press('Tab');
      onFinding = await page.evaluate(() => document.activeElement && document.activeElement.classList.contains('finding-toggle'));
    }
    assert.ok(onFinding, 'Tab reaches the first finding');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-expanded')), 'true');
    await page.waitForSelector('.finding-detail:not([hidden]) pre.json');
    await context.close();
  });

  for (const scheme of ['light', 'dark']) {
    test(`axe-core finds no serious or critical violation (${scheme})`, async () => {
      const { context, page } = await open({ colorScheme: scheme });
      const axe = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
      const check = async (state) => {
        await page.evaluate(axe);
        const result = await page.evaluate(() => window.axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
        }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }))));
        const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        assert.deepEqual(bad, [], `${state} (${scheme}): ${JSON.stringify(bad, null, 1)}`);
      };
      await check('start page');
      await page.click('#demo');
      await waitResults(page);
      await page.locator('.finding-toggle').first().click();
      await page.waitForSelector('.finding-detail:not([hidden]) pre.json');
      await check('results with a finding open');
      if (scheme === 'dark') {
        await screenshot(page, '08-dark-summary', '#files');
        await screenshot(page, '08-dark-detail', '#groups .finding-detail:not([hidden])');
      }
      await page.goto(server.url + '#/rules');
      await page.locator('.rule-card summary').first().click();
      await check('rules page');
      await page.goto(server.url + '#/privacy');
      await check('privacy page');
      await context.close();
    });
  }

  test('tablet width: nothing overflows sideways', async () => {
    const { context, page } = await open({ viewport: { width: 768, height: 1024 }, hasTouch: true });
    await page.click('#demo');
    await waitResults(page);
    await page.locator('.finding-toggle').first().click();
    await page.waitForSelector('.finding-detail:not([hidden]) pre.json');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, 'page is ' + overflow + 'px wider than the screen');
    await screenshot(page, '09-tablet-summary', '#files');
    await screenshot(page, '09-tablet-detail', '#groups .finding-detail:not([hidden])');
    await context.close();
  });
});
