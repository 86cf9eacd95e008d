// Shared pieces of the end-to-end tests: the browser, the server, the CLI,
// and recorders for requests, console messages and CSP violations.
//
// For test authors: open pages ONLY through a browser from `launch()` (or
// `openPage()`). Every context such a browser makes is recorded, and after
// EACH test (the `afterEach` hook below, registered by importing this file)
// the test fails if any page or worker reported a CSP or Trusted Types
// violation, an uncaught error, or called the XSS canary (`__xss(...)`,
// `window.__pwned = ...`, `alert(...)`). Nothing to call: it is structural.
// A test that provokes a violation on purpose declares it with
// `log.allowViolations(/pattern/)` and asserts on it itself.

import { afterEach } from 'node:test';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = join(ROOT, 'dist', 'www');
export const FIXTURES = join(ROOT, 'tests', 'e2e', 'fixtures');
export const ARTIFACTS = join(ROOT, 'tests', 'e2e', 'artifacts');
export const SINGLE_FILE_URL = pathToFileURL(join(DIST, 'keyhole.html')).href;
/** Files whose name holds this make worker-crash.test.mjs's injected worker trap; sinks.test.mjs checks it never ships. */
export const CRASH_MARK = 'crash-me';

/** The demo the build embedded (see scripts/build-www.sh). */
export const DEMO = existsSync(join(ROOT, 'demo', 'dealership-aws.json'))
  ? join(ROOT, 'demo', 'dealership-aws.json')
  : join(FIXTURES, 'demo-placeholder', 'dealership-aws.json');

// Exactly the flags of ../shared/reference/toolchain.md: headless as root,
// and nothing may leave the machine (Chromium's own calls home included).
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

/**
 * Launches Chromium. Every context it makes (newContext, and newPage's) is
 * recorded with `record()` before any page opens, so that the afterEach
 * check below covers every page of every test.
 */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await record(context);
    return context;
  };
  browser.newPage = async (options) => (await browser.newContext(options)).newPage();
  return browser;
}

/**
 * A recorded context and a page on `url`, started (waitReady) and marked
 * 'loaded'. Resolves with { context, page, log }.
 */
export async function openPage(browser, url, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const log = await record(context);
  const page = await context.newPage();
  await page.goto(url);
  await waitReady(page);
  log.mark('loaded');
  return { context, page, log };
}

/** Starts scripts/serve.mjs on a free port; resolves with { url, close }. */
export function serve() {
  return new Promise((resolveServe, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'serve.mjs'), DIST, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error('serve.mjs exited with ' + code)));
    child.on('message', (msg) => {
      if (msg && msg.url) {
        resolveServe({
          url: msg.url,
          close: () => new Promise((done) => {
            child.removeAllListeners('exit');
            child.once('exit', done);
            child.kill();
          }),
        });
      }
    });
    child.stdout.resume();
  });
}

/** The CLI binary built by scripts/test-web.sh. */
export function cliPath() {
  for (const p of [process.env.KEYHOLE_CLI, join(ROOT, 'target', 'debug', 'keyhole'), join(ROOT, 'target', 'release', 'keyhole')]) {
    if (p && existsSync(p)) return p;
  }
  throw new Error('the keyhole CLI is not built: cargo build -p keyhole');
}

/**
 * Runs `keyhole audit --format FORMAT NAMES...` in `cwd`, so that the report
 * names the files exactly as the page does (by their base names).
 */
export function cli(cwd, names, format = 'json') {
  try {
    return execFileSync(cliPath(), ['audit', ...names, '--format', format], { cwd, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    // Exit 1 (findings at or above --fail-on) and 2 (an input could not be
    // read) still print the report.
    if (err.status === 1 || err.status === 2) return err.stdout;
    throw err;
  }
}

const recorded = new WeakMap(); // context -> its log
const watchedLogs = []; // every log made in this test file, for the afterEach check

/**
 * Records everything the tests assert on: every request (from the page and
 * its workers), console messages, page errors, CSP violations (the
 * `securitypolicyviolation` event, in the page; a worker's show up in the
 * console, which is recorded too) and calls of the XSS canary. Calling it
 * again on the same context returns the same log.
 */
export async function record(context) {
  if (recorded.has(context)) return recorded.get(context);
  const log = { requests: [], console: [], errors: [], violations: [], canary: [], marks: {}, allowed: [], checked: {} };
  recorded.set(context, log);
  watchedLogs.push(log);
  log.allowViolations = (pattern) => log.allowed.push(pattern);
  context.on('request', (req) => log.requests.push({ url: req.url(), at: Date.now(), type: req.resourceType() }));
  // Reports reach Node at once and survive navigations (window.__violations does not).
  await context.exposeBinding('__keyholeWatch', (source, kind, detail) => {
    if (kind === 'violation') log.violations.push(detail);
    else log.canary.push(String(detail));
  });
  await context.addInitScript(() => {
    const report = window.__keyholeWatch;
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      const v = { directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample };
      window.__violations.push(v);
      report('violation', v);
    });
    // The canary: XSS payloads in the fixtures call one of these. Any call is
    // injected code running in the page.
    window.__xss = (tag) => report('canary', '__xss(' + tag + ')');
    Object.defineProperty(window, '__pwned', { get: () => undefined, set: (v) => report('canary', '__pwned=' + v) });
    for (const name of ['alert', 'confirm', 'prompt', 'print']) window[name] = (arg) => report('canary', name + '(' + arg + ')');
    // Phases the progress panel went through, with times (for the big-file test).
    window.__phases = [];
    window.__ticks = [];
    const watch = () => {
      const panel = document.getElementById('progress');
      if (!panel) return false;
      const push = (phase) => {
        const last = window.__phases[window.__phases.length - 1];
        if (!last || last.phase !== phase) window.__phases.push({ phase, at: performance.now() });
      };
      push(panel.dataset.phase);
      // Old values too, so that no phase is missed when several change in one task.
      new MutationObserver((records) => {
        for (const r of records) push(r.oldValue);
        push(panel.dataset.phase);
      }).observe(panel, { attributes: true, attributeFilter: ['data-phase'], attributeOldValue: true });
      return true;
    };
    if (!watch()) document.addEventListener('DOMContentLoaded', watch);
  });
  const onPage = (page) => {
    page.on('console', (msg) => log.console.push({ type: msg.type(), text: msg.text() }));
    page.on('pageerror', (err) => log.errors.push(String(err)));
    page.on('worker', (worker) => {
      worker.on('console', (msg) => log.console.push({ type: msg.type(), text: '[worker] ' + msg.text() }));
    });
  };
  context.on('page', onPage);
  for (const page of context.pages()) onPage(page);
  log.mark = (name) => {
    log.marks[name] = log.requests.length;
  };
  log.since = (name) => log.requests.slice(log.marks[name]);
  return log;
}

/** Console lines that mean a CSP or Trusted Types problem. */
export function cspConsole(log) {
  return log.console.filter((m) => /Content Security Policy|Content-Security-Policy|Trusted ?(Type|HTML|Script)|Refused to/i.test(m.text));
}

/** What `log` recorded since the last check that no test allowed: violations, CSP console lines, page errors, canary calls. */
function unexpected(log) {
  const since = (key, list) => {
    const from = log.checked[key] || 0;
    log.checked[key] = list.length;
    return list.slice(from);
  };
  const allowed = (text) => log.allowed.some((p) => p.test(text));
  return [
    ...since('violations', log.violations).map((v) => 'CSP violation: ' + JSON.stringify(v)),
    ...since('console', cspConsole(log)).map((m) => 'console: ' + m.text),
    ...since('errors', log.errors).map((e) => 'uncaught error: ' + e),
  ].filter((p) => !allowed(p)).concat(since('canary', log.canary).map((c) => 'injected code ran: ' + c));
}

// The structural check (see the top of this file): every test, every page.
afterEach(() => {
  const problems = watchedLogs.flatMap(unexpected);
  if (problems.length) throw new Error('the page broke its security promises during this test:\n  ' + problems.join('\n  '));
});

/** Requests that touch the network (blob: and data: URLs never leave the tab). */
export function networkRequests(requests) {
  return requests.filter((r) => !/^(blob|data):/.test(r.url));
}

export async function waitReady(page) {
  await page.waitForFunction(() => document.documentElement.dataset.ready, null, { timeout: 30000 });
  const ready = await page.evaluate(() => document.documentElement.dataset.ready);
  if (ready !== 'true') {
    const fatal = await page.evaluate(() => document.getElementById('fatal').textContent);
    throw new Error('the page did not start: ' + fatal);
  }
}

/** Waits until the audit has finished and the results are shown. */
export async function waitResults(page, timeout = 120000) {
  await page.waitForFunction(() => {
    const results = document.getElementById('results');
    const panel = document.getElementById('progress');
    return results && !results.hidden && panel.dataset.phase === 'idle';
  }, null, { timeout });
}

/** A screenshot of the viewport, scrolled to `selector` (or the top). */
export async function screenshot(page, name, selector) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.evaluate((sel) => {
    const el = sel && document.querySelector(sel);
    if (el) el.scrollIntoView({ block: 'start' });
    else window.scrollTo(0, 0);
  }, selector || null);
  await page.screenshot({ path: join(ARTIFACTS, name + '.png') });
}

/** Visible text of the element, whitespace-collapsed. */
export async function text(page, selector) {
  return (await page.locator(selector).innerText()).replace(/\s+/g, ' ');
}

/**
 * Writes an AWS Config snapshot of about `megabytes` MB: mostly well-kept
 * buckets and security groups, with one bucket in 200 public and one group
 * in 100 open to the internet. Returns { path, buckets, groups }.
 */
export async function writeBigSnapshot(path, megabytes) {
  const { createWriteStream } = await import('node:fs');
  const out = createWriteStream(path);
  const write = (s) => (out.write(s) ? null : new Promise((r) => out.once('drain', r)));
  const account = '123456789012';
  const region = 'ap-southeast-2';
  const owner = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';
  let bytes = 0;
  let n = 0;
  let buckets = 0;
  let groups = 0;
  await write('{"fileVersion":"1.0","configSnapshotId":"big","configurationItems":[\n');
  while (bytes < megabytes * 1024 * 1024) {
    let item;
    if (n % 4 === 3) {
      const open = groups % 100 === 7;
      const gid = 'sg-' + (0x10000000 + groups).toString(16).padStart(17, '0');
      const name = 'branch-' + groups + (open ? '-remote-desktop' : '-internal');
      item = {
        resourceType: 'AWS::EC2::SecurityGroup', resourceId: gid, resourceName: name, awsAccountId: account, awsRegion: region,
        ARN: `arn:aws:ec2:${region}:${account}:security-group/${gid}`, tags: { Branch: String(groups) },
        configuration: {
          groupName: name, groupId: gid, description: 'branch ' + groups, vpcId: 'vpc-0a1b2c3d', ownerId: account,
          ipPermissions: [{ ipProtocol: 'tcp', fromPort: open ? 3389 : 443, toPort: open ? 3389 : 443, ipv4Ranges: [{ cidrIp: open ? '0.0.0.0/0' : '10.0.0.0/8' }], ipRanges: [open ? '0.0.0.0/0' : '10.0.0.0/8'], ipv6Ranges: [], prefixListIds: [], userIdGroupPairs: [] }],
          ipPermissionsEgress: [],
        },
        supplementaryConfiguration: {},
      };
      groups++;
    } else {
      const pub = buckets % 200 === 13;
      const name = 'dealer-' + buckets + (pub ? '-public-brochures' : '-records');
      const grants = [{ grantee: { id: owner, displayName: null }, permission: 'FullControl' }];
      if (pub) grants.push({ grantee: 'AllUsers', permission: 'Read' });
      item = {
        resourceType: 'AWS::S3::Bucket', resourceId: name, resourceName: name, awsAccountId: account, awsRegion: region,
        ARN: 'arn:aws:s3:::' + name, resourceCreationTime: '2024-02-03T04:05:06.000Z', tags: { Branch: String(buckets) },
        configuration: { name, owner: { displayName: null, id: owner }, creationDate: '2024-02-03T04:05:06.000Z' },
        supplementaryConfiguration: {
          AccessControlList: JSON.stringify({ grantSet: null, grantList: grants, owner: { displayName: null, id: owner }, isRequesterCharged: false }),
          BucketPolicy: { policyText: null },
          PublicAccessBlockConfiguration: { blockPublicAcls: !pub, ignorePublicAcls: !pub, blockPublicPolicy: !pub, restrictPublicBuckets: !pub },
          ServerSideEncryptionConfiguration: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256', kmsMasterKeyID: null }, bucketKeyEnabled: false }] },
          BucketLoggingConfiguration: { destinationBucketName: 'dealer-logs', logFilePrefix: name + '/' },
          BucketVersioningConfiguration: { status: 'Enabled', isMfaDeleteEnabled: null },
        },
      };
      buckets++;
    }
    const text = (n ? ',\n' : '') + JSON.stringify(item);
    bytes += text.length;
    n++;
    const wait = write(text);
    if (wait) await wait;
  }
  await write('\n]}\n');
  await new Promise((r) => out.end(r));
  return { path, buckets, groups };
}

/** Shows every finding (clicks every "Show more" until none is left). */
export async function expandAll(page) {
  for (let i = 0; i < 200; i++) {
    const more = page.locator('#groups button.more:visible, #groups button.more-findings:visible');
    if ((await more.count()) === 0) return;
    await more.first().click();
  }
  throw new Error('too many "Show more" buttons');
}

/**
 * Asserts that the page shows the CLI's report: the counts by severity, every
 * finding's rule id and resource name, and each input's format, resource
 * count or error.
 */
export async function assertShowsReport(page, report, assert) {
  for (const [severity, n] of Object.entries(report.summary)) {
    const shown = await page.locator(`#summary [data-severity="${severity}"] .tile-count`).innerText();
    assert.equal(Number(shown.replace(/,/g, '')), n, `${severity} count`);
  }
  const headline = await text(page, '#headline');
  assert.ok(headline.includes(`${report.findings.length.toLocaleString('en')} finding`), headline);
  await expandAll(page);
  const groups = await page.locator('#groups').innerText();
  const rows = await page.locator('#groups .finding').count();
  assert.equal(rows, report.findings.length, 'one row per finding');
  for (const f of report.findings) {
    assert.ok(groups.includes(f.rule), `rule ${f.rule} visible`);
    assert.ok(groups.includes(f.resource.name), `resource ${f.resource.name} visible`);
    assert.ok(groups.includes(f.message), `message "${f.message}" visible`);
  }
  for (const input of report.inputs) {
    const row = page.locator('#file-list li.file', { hasText: input.file });
    const status = (await row.innerText()).replace(/\s+/g, ' ');
    if (input.error) {
      assert.ok(status.includes(input.error.replace(/\s+/g, ' ')), `error of ${input.file} shown: ${status}`);
    } else {
      assert.ok(status.includes(input.format), `format of ${input.file} shown: ${status}`);
      assert.ok(status.includes(`${input.resources.toLocaleString('en')} resource`), `resources of ${input.file} shown: ${status}`);
    }
    for (const note of input.notes || []) assert.ok(status.includes(note), `note "${note}" shown`);
  }
}

/** Asserts the privacy promise on a recorded session. */
export function assertPrivate(log, page, assert, { origin, after = 'loaded' }) {
  const foreign = networkRequests(log.requests).filter((r) => !r.url.startsWith(origin));
  assert.deepEqual(foreign, [], 'no request to another origin');
  assert.deepEqual(networkRequests(log.since(after)), [], 'no request after the first load');
  assert.deepEqual(cspConsole(log), [], 'no CSP or Trusted Types message in the console');
  assert.deepEqual(log.errors, [], 'no uncaught error in the page');
  return page.evaluate(() => window.__violations).then((v) => assert.deepEqual(v, [], 'no securitypolicyviolation event'));
}
