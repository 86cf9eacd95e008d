// A static guard on the BUILT page (dist/www): the JavaScript that ships,
// the wasm-bindgen glue included, uses no sink that turns a string into
// markup or code, opens no network channel of its own, and the CSP and the
// Trusted Types policy stay as narrow as docs/security.md says. Runs in Node,
// no browser. A hit that is not on the allow-list fails the test; so does an
// allow-list entry that no longer matches anything (it must be removed).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CRASH_MARK, DIST } from './helpers.mjs';

const read = (name) => readFileSync(join(DIST, name), 'utf8');

// Sinks and channels, by what they do.
const SINKS = [
  // HTML parsing from strings
  ['innerHTML', /\binnerHTML\b/],
  ['outerHTML', /\bouterHTML\b/],
  ['insertAdjacentHTML', /\binsertAdjacentHTML\b/],
  ['document.write', /\bdocument\s*\.\s*write(ln)?\b/],
  ['srcdoc', /\bsrcdoc\b/i],
  ['createContextualFragment', /\bcreateContextualFragment\b/],
  ['DOMParser', /\bDOMParser\b|\bparseFromString\b/],
  ['setHTMLUnsafe', /\b(setHTMLUnsafe|parseHTMLUnsafe|setHTML)\b/],
  // code from strings
  ['eval', /\beval\s*\(/],
  ['Function constructor', /\bFunction\s*\(/],
  ['string timer', /\bset(Timeout|Interval)\s*\(\s*['"`]/],
  ['javascript: URL', /javascript:/i],
  ['importScripts', /\bimportScripts\b/],
  ['dynamic import', /\bimport\s*\(/],
  // attributes and properties that load or run something
  ['on* attribute', /setAttribute\s*\(\s*['"`]on/i],
  ['src/href property', /\.(src|href|action|formAction|data)\s*=[^=]/],
  ['navigation', /\blocation\s*(\.\s*href\s*)?=[^=]|\blocation\s*\.\s*(assign|replace)\s*\(|\bwindow\s*\.\s*open\s*\(/],
  // Trusted Types and workers
  ['Trusted Types policy', /\bcreatePolicy\s*\(/],
  ['TrustedHTML or TrustedScript', /\bcreate(HTML|Script)\s*\(/],
  ['Worker', /\bnew\s+(Shared)?Worker\s*\(|\bserviceWorker\b/],
  ['object URL', /\bcreateObjectURL\s*\(/],
  // the network: the page must not talk to anything after load
  ['fetch', /\bfetch\s*\(/],
  ['XMLHttpRequest', /\bXMLHttpRequest\b/],
  ['WebSocket', /\bWebSocket\b|\bEventSource\b|\bWebTransport\b|\bRTCPeerConnection\b/],
  ['sendBeacon', /\bsendBeacon\b/],
];

// Every allowed hit: [file, the exact text around it, why it is safe].
// `file` is a key of SCRIPTS below.
const ALLOWED = [
  ['app.js', "window.trustedTypes.createPolicy('keyhole', {",
    'the one Trusted Types policy the CSP allows (trusted-types keyhole); it makes script URLs only, and only the worker URL'],
  ['app.js', "URL.createObjectURL(new Blob([source], { type: 'text/javascript' }))",
    "single file: the worker starts from the page's own <script type=\"text/plain\"> block (a classic blob: worker), through the policy"],
  ['app.js', "new Worker(ttPolicy.createScriptURL(allowedWorkerUrl), { name: 'keyhole-audit' })",
    'single file: the audit worker, its URL from the policy'],
  ['app.js', "new Worker(ttPolicy.createScriptURL(allowedWorkerUrl), { type: 'module', name: 'keyhole-audit' })",
    "served site: the audit worker (worker.js, same origin), its URL from the policy"],
  ['app.js', 'URL.createObjectURL(new Blob([text], { type: DOWNLOAD[format].type }))',
    'a downloaded report: a blob: link the page clicks; the text is never parsed'],
  ['app.js', "URL.createObjectURL(new Blob([bytes], { type: 'text/x-shellscript' }))",
    "the export guide's Download button (export-guide.js): the page's own embedded script as a blob: link; never run"],
  ['app.js', 'const UNSAFE_ATTRIBUTES = /^(src|srcdoc|',
    "dom.js's list of attributes h() refuses to set: the name appears in order to be refused"],
  ['glue', '? `Function(${val.name})`',
    "wasm-bindgen's debugString: a label inside a template string, not a call"],
  ['glue', 'module_or_path = fetch(module_or_path);',
    "wasm-bindgen's init: the served worker fetches keyhole_bg.wasm (connect-src 'self'); the single file passes the bytes and never gets here"],
];

/** The scripts that ship, by role. */
function scripts() {
  const single = read('keyhole.html');
  const blocks = [...single.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attrs: m[1], body: m[2] }));
  const byId = (id) => blocks.find((b) => b.attrs.includes(`id="${id}"`));
  const inline = blocks.filter((b) => !/type="text\/plain"/.test(b.attrs));
  assert.equal(inline.length, 1, 'the single file has exactly one executable script');
  for (const id of ['keyhole-wasm', 'keyhole-demo']) {
    assert.match(byId(id).body, /^[A-Za-z0-9+/=\s]*$/, id + ' holds base64 only');
  }
  // The export scripts are inert text too: the guide offers them as downloads, never runs them.
  for (const cloud of ['aws', 'azure', 'gcp']) {
    assert.match(byId('keyhole-export-' + cloud).attrs, /type="text\/plain"/, cloud + ' script is inert text');
  }
  assert.equal(blocks.length, 7, 'script blocks of the single file: the page, the worker, the wasm, the demo, three export scripts');
  return {
    single,
    blocks,
    SCRIPTS: {
      'app.js': [read('app.js'), inline[0].body],
      'worker.js': [read('worker.js')],
      glue: [read('keyhole.js')],
      // The single file's worker: the --target no-modules glue, then worker-body.js.
      'single worker': [byId('keyhole-worker').body],
    },
  };
}

function hits(text, re) {
  const out = [];
  const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
  for (const m of text.matchAll(global)) {
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    const lineEnd = text.indexOf('\n', m.index);
    out.push({ at: m.index, line: text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd).trim() });
  }
  return out;
}

test('the built JavaScript has no sink outside the justified allow-list', () => {
  const { SCRIPTS } = scripts();
  const used = new Set();
  const problems = [];
  for (const [file, texts] of Object.entries(SCRIPTS)) {
    // The single file's worker is the glue plus worker-body.js: the glue's entries apply to it too.
    const allowedFor = ALLOWED.map((a, i) => ({ a, i })).filter(({ a }) => a[0] === file || (file === 'single worker' && a[0] === 'glue'));
    for (const text of texts) {
      for (const [name, re] of SINKS) {
        for (const hit of hits(text, re)) {
          const ok = allowedFor.find(({ a }) => {
            const from = text.lastIndexOf(a[1], hit.at);
            return from >= 0 && from + a[1].length > hit.at && from <= hit.at;
          });
          if (ok) used.add(ok.i);
          else problems.push(`${file}: ${name}: ${hit.line.slice(0, 160)}`);
        }
      }
    }
  }
  assert.deepEqual(problems, [], 'sinks not on the allow-list');
  const stale = ALLOWED.filter((_, i) => !used.has(i)).map((a) => a[0] + ': ' + a[1]);
  assert.deepEqual(stale, [], 'allow-list entries that match nothing any more');
});

test('the guard finds what it looks for', () => {
  // Each sink pattern matches a typical use, so that a typo in a pattern cannot hide one.
  const samples = {
    innerHTML: 'el.innerHTML = name', outerHTML: 'el.outerHTML = x', insertAdjacentHTML: 'el.insertAdjacentHTML("beforeend", x)',
    'document.write': 'document.write(x)', srcdoc: 'frame.srcdoc = x', createContextualFragment: 'range.createContextualFragment(x)',
    DOMParser: 'new DOMParser().parseFromString(x, "text/html")', setHTMLUnsafe: 'el.setHTMLUnsafe(x)', eval: 'eval(x)',
    'Function constructor': 'new Function("return 1")', 'string timer': "setTimeout('go()', 1)", 'javascript: URL': 'a.href = "javascript:go()"',
    importScripts: 'importScripts(u)', 'dynamic import': 'import(u)', 'on* attribute': "el.setAttribute('onclick', x)",
    'src/href property': 'img.src = u', navigation: 'location.href = u', 'Trusted Types policy': 'trustedTypes.createPolicy("x", {})',
    'TrustedHTML or TrustedScript': 'policy.createHTML(x)', Worker: 'new Worker(u)', 'object URL': 'URL.createObjectURL(b)',
    fetch: 'fetch(u)', XMLHttpRequest: 'new XMLHttpRequest()', WebSocket: 'new WebSocket(u)', sendBeacon: 'navigator.sendBeacon(u, x)',
  };
  for (const [name, re] of SINKS) assert.ok(samples[name] && re.test(samples[name]), 'the pattern for ' + name + ' matches ' + samples[name]);
});

function directives(csp) {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k, v]));
}

function metaCsp(html) {
  return /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)[1];
}

function assertNarrowCsp(csp, what) {
  const d = directives(csp);
  assert.deepEqual(d.get('default-src'), ["'none'"], what);
  assert.deepEqual(d.get('require-trusted-types-for'), ["'script'"], what);
  assert.deepEqual(d.get('trusted-types'), ['keyhole'], what + ': one named policy, no duplicates, no wildcard');
  for (const k of ['object-src', 'base-uri', 'form-action']) assert.deepEqual(d.get(k), ["'none'"], what + ' ' + k);
  const scriptSrc = d.get('script-src');
  assert.ok(scriptSrc.includes("'wasm-unsafe-eval'"), what);
  for (const bad of ["'unsafe-inline'", "'unsafe-eval'", "'strict-dynamic'", "'unsafe-hashes'", 'data:', 'blob:', 'https:', 'http:', '*']) {
    assert.ok(!scriptSrc.includes(bad), `${what}: script-src allows ${bad}`);
  }
  assert.doesNotMatch(csp, /https?:|'unsafe-inline'|'unsafe-eval'/, what);
  return d;
}

test('the CSP of the site and of the single file are as narrow as documented', () => {
  const site = assertNarrowCsp(metaCsp(read('index.html')), 'index.html');
  assert.deepEqual(site.get('script-src'), ["'self'", "'wasm-unsafe-eval'"]);
  assert.deepEqual(site.get('connect-src'), ["'self'"]);
  assert.deepEqual(site.get('worker-src'), ["'self'"]);

  const { single, blocks } = scripts();
  const d = assertNarrowCsp(metaCsp(single), 'keyhole.html');
  const page = blocks.find((b) => !/type="text\/plain"/.test(b.attrs)).body;
  const hash = "'sha256-" + createHash('sha256').update(page, 'utf8').digest('base64') + "'";
  assert.deepEqual(d.get('script-src'), [hash, "'wasm-unsafe-eval'"], 'only the one inline script runs');
  assert.deepEqual(d.get('connect-src'), ["'none'"]);
  assert.deepEqual(d.get('worker-src'), ['blob:']);

  for (const block of read('_headers').split(/\n(?=\/)/)) {
    const header = /Content-Security-Policy: (.*)/.exec(block)[1];
    assertNarrowCsp(header, '_headers');
    assert.deepEqual(directives(header).get('frame-ancestors'), ["'none'"]);
  }
});

test('the one Trusted Types policy creates script URLs only, and only the worker\'s', () => {
  const app = read('app.js');
  const policy = /createPolicy\('keyhole', \{([\s\S]*?)\n\s*\}\)/.exec(app);
  assert.ok(policy, 'the policy is where the test expects it');
  assert.match(policy[1], /^\s*createScriptURL\(url\) \{/);
  assert.doesNotMatch(policy[1], /createHTML|createScript\s*\(/, 'no HTML, no script text');
  assert.match(policy[1], /if \(url === allowedWorkerUrl\) return url;\s*throw/);
});

test('the static markup has no handlers, no javascript: and no external script', () => {
  for (const name of ['index.html', 'keyhole.html']) {
    const html = read(name).replace(/<script[^>]*type="text\/plain"[^>]*>[\s\S]*?<\/script>/g, '');
    assert.doesNotMatch(html, /<[^>]+\son[a-z]+\s*=/i, name + ': an inline event handler');
    assert.doesNotMatch(html, /javascript:/i, name);
    assert.doesNotMatch(html, /<(iframe|object|embed|base|frame|applet)\b/i, name);
    const external = [...html.matchAll(/<script[^>]*\ssrc="([^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(external, name === 'index.html' ? ['app.js'] : []);
  }
});

test('no test-only code ships: the crash shim of worker-crash.test.mjs is absent from the build', () => {
  for (const name of ['app.js', 'worker.js', 'keyhole.js', 'index.html', 'keyhole.html']) {
    const text = read(name);
    for (const marker of [CRASH_MARK, '__trap', 'test shim', '__xss', '__keyholeWatch']) {
      assert.ok(!text.includes(marker), `${name} contains ${marker}`);
    }
  }
});
