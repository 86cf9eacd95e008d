// The page's evidence locator (www/js/evidence.js), in Node: RFC 6901
// pointers resolved on raw bytes, the way the page does on a dropped file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, FIXTURES } from './helpers.mjs';

const require = createRequire(import.meta.url);
const ev = require(join(ROOT, 'www', 'js', 'evidence.js'));
const enc = (s) => new TextEncoder().encode(s);
const show = (segments) => segments.map((s) => (s.mark ? '⟦' + s.text + '⟧' : s.text)).join('');
const marked = (segments) => segments.filter((s) => s.mark).map((s) => s.text).join('');

test('a pointer resolves to the exact bytes of the value, with its line and column', () => {
  const text = '{\n  "a": {"b~c": [1, {"d/e": "x"}], "b": true},\n  "z": "\\"q\\""\n}';
  const b = enc(text);
  const found = ev.locate(b, '/a/b~0c/1/d~1e');
  const last = found.spans[found.spans.length - 1];
  assert.equal(new TextDecoder().decode(b.subarray(last.start, last.end)), '"x"');
  assert.equal(found.line, 2);
  assert.equal(found.column, text.split('\n')[1].indexOf('"x"') + 1);
  const z = ev.locate(b, '/z').spans.at(-1);
  assert.equal(new TextDecoder().decode(b.subarray(z.start, z.end)), '"\\"q\\""');
  assert.throws(() => ev.locate(b, '/a/missing'), /"missing" is not in the file/);
  assert.throws(() => ev.locate(b, '/a/b~0c/7'), /"7" is not in the file/);
});

test('escaped keys and non-ASCII text are matched by value', () => {
  const b = enc('{"na\\u006de": {"ключ": "значение"}}');
  const found = ev.locate(b, '/name/ключ');
  const last = found.spans.at(-1);
  assert.equal(JSON.parse(new TextDecoder().decode(b.subarray(last.start, last.end))), 'значение');
});

test('JSON Lines: the first token indexes the non-empty lines', () => {
  const b = enc('{"name":"a"}\n\n{"name":"b","iam_policy":{"bindings":[{"members":["user:x","allUsers"]}]}}\n');
  const r = ev.evidenceExcerpt(b, '/1/iam_policy/bindings/0/members/1');
  assert.equal(r.line, 3);
  assert.equal(marked(r.segments), '"allUsers"');
});

test('an AWS Config ACL: the string is highlighted and the inner pointer resolved in the decoded JSON', () => {
  const bytes = readFileSync(join(FIXTURES, 'aws-config-snapshot.json'));
  const doc = JSON.parse(bytes);
  const r = ev.evidenceExcerpt(new Uint8Array(bytes), '/configurationItems/0/supplementaryConfiguration/AccessControlList', '/grantList/1');
  assert.deepEqual(r.contextPath, ['configurationItems', '0']);
  // The excerpt shows the resource's identity and the blamed value.
  const shown = show(r.segments);
  assert.match(shown, /"resourceName": "dealer-service-records"/);
  assert.match(marked(r.segments), /^"\{\\"grantSet\\"/);
  const inner = JSON.parse(doc.configurationItems[0].supplementaryConfiguration.AccessControlList).grantList[1];
  assert.equal(JSON.parse(marked(r.inner.segments).replace(/\n\s*/g, '')).grantee, inner.grantee);
});

test('gzip, UTF-16 and a BOM are undone before resolving, as the core does', async () => {
  const text = '{"SecurityGroups":[{"GroupName":"rdp","IpPermissions":[{"FromPort":3389}]}]}';
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  for (const bytes of [gzipSync(text), utf16, gzipSync(utf16), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])]) {
    const b = await ev.normalizeBytes(new Uint8Array(bytes));
    const r = ev.evidenceExcerpt(b, '/SecurityGroups/0/IpPermissions/0/FromPort');
    assert.equal(marked(r.segments), '3389');
  }
});

test('big siblings are summarised, not printed', () => {
  const items = [];
  for (let i = 0; i < 500; i++) items.push({ resourceName: 'b' + i, configuration: { blob: 'x'.repeat(1000) } });
  const b = enc(JSON.stringify({ configurationItems: items }));
  const r = ev.evidenceExcerpt(b, '/configurationItems/250/configuration/blob');
  const shown = show(r.segments);
  assert.ok(shown.length < 2000, 'excerpt is short: ' + shown.length);
  assert.match(shown, /"resourceName": "b250"/);
  assert.doesNotMatch(shown, /"b249"/);
});

test('a URL-encoded policy (AWS Config IAM roles) is decoded before the inner pointer', () => {
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] };
  const b = enc(JSON.stringify({ configuration: { assumeRolePolicyDocument: encodeURIComponent(JSON.stringify(policy)) } }));
  const r = ev.evidenceExcerpt(b, '/configuration/assumeRolePolicyDocument', '/Statement/0/Principal');
  assert.equal(r.urlEncoded, true);
  assert.equal(marked(r.inner.segments), '{"AWS": "*"}');
});

test('a YAML template is shown by the line and column the core reports, the blamed line marked', () => {
  const yaml = readFileSync(join(ROOT, 'tests', 'fixtures', 'equivalence', 'aws', 'template.yaml'));
  const lines = yaml.toString('utf8').split('\n');
  const target = lines.findIndex((l) => l.includes('CidrIp: 0.0.0.0/0')) + 1;
  assert.ok(target > 0, 'the fixture opens a port to the internet');
  const ex = ev.lineExcerpt(new Uint8Array(yaml), target, 5);
  assert.equal(ex.line, target);
  assert.equal(marked(ex.segments).replace(/^\n/, ''), lines[target - 1]);
  assert.equal(ex.segments.length, 7, 'three lines either side');
  assert.ok(show(ex.segments).startsWith(lines[target - 4]));
  assert.throws(() => ev.lineExcerpt(new Uint8Array(yaml), lines.length + 10, 1), /is not in the file/);
  // CRLF line ends are not shown as part of the line.
  const crlf = ev.lineExcerpt(enc('a: 1\r\nb: 2\r\n'), 2, 1);
  assert.equal(marked(crlf.segments), '\nb: 2');
});
