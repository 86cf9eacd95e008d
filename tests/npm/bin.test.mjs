// (c) The bin, as installed from the tarball: `npx keyhole-audit ...` works
// offline and gives the native CLI's exit codes and bytes, flag for flag.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DEMO, NATIVE, PROJECT, ROOT, run, S3_FIXTURE } from './helpers.mjs';

const BIN = join(PROJECT, 'node_modules', '.bin', 'keyhole-audit');
const CLEAN = join(ROOT, 'tests', 'fixtures', 'rules', 'aws-s3-bucket-public-acl', 'valid.json');
const OFFLINE = { npm_config_offline: 'true', npm_config_update_notifier: 'false' };
const out = mkdtempSync(join(tmpdir(), 'keyhole-npm-bin-'));
after(() => rmSync(out, { recursive: true, force: true }));

/** `npx keyhole-audit ARGS` in the consumer project, offline. */
function npx(args, options = {}) {
  return run('npx', ['--no', 'keyhole-audit', ...args], { cwd: PROJECT, env: OFFLINE, ...options });
}

/** The bin and the native CLI on the same arguments, from the same folder. */
function both(args, options = {}) {
  const opts = { cwd: ROOT, ...options };
  return { bin: run(BIN, args, opts), native: run(NATIVE, args, opts) };
}

/** Same exit code, same standard output, same `keyhole:` messages on standard error. */
function assertSame(args, options = {}) {
  const { bin, native } = both(args, options);
  const label = `keyhole ${args.join(' ')}`;
  assert.equal(bin.code, native.code, `${label}: exit code ${bin.code}, native ${native.code}\n${bin.stderr}`);
  assert.equal(bin.stdout, native.stdout, `${label}: standard output differs`);
  const messages = (s) => s.split('\n').filter((l) => l.startsWith('keyhole:'));
  assert.deepEqual(messages(bin.stderr), messages(native.stderr), `${label}: messages differ`);
  return { bin, native };
}

describe('npx keyhole-audit (offline)', () => {
  test('exit code 0: no finding at or above --fail-on', () => {
    const got = npx(['audit', CLEAN, '--format', 'json']);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(got.stdout, run(NATIVE, ['audit', CLEAN, '--format', 'json']).stdout);
    assert.equal(npx(['audit', S3_FIXTURE, '--fail-on', 'never']).code, 0);
  });

  test('exit code 1: a finding at or above --fail-on', () => {
    const got = npx(['audit', S3_FIXTURE, '--format', 'sarif']);
    assert.equal(got.code, 1, got.stderr);
    assert.equal(got.stdout, run(NATIVE, ['audit', S3_FIXTURE, '--format', 'sarif']).stdout);
    assert.equal(npx(['audit', DEMO, '--fail-on', 'critical']).code, 1);
  });

  test('exit code 2: an unreadable input, or a usage error', () => {
    const missing = npx(['audit', S3_FIXTURE, join(out, 'missing.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^keyhole: .*missing\.json: there is no such file$/m);
    assert.match(missing.stdout, /aws-s3-bucket-public-acl/, 'the readable input is still reported');
    assert.equal(npx(['audit', S3_FIXTURE, '--format', 'xml']).code, 2);
    assert.equal(npx([]).code, 2);
  });

  test('rules and explain', () => {
    // (`npx keyhole-audit --version` would print npm's own version: npx
    // reads that flag itself. `npx keyhole-audit -- --version` is the bin's.)
    for (const args of [['rules', '--format', 'json'], ['explain', 'aws-rds-snapshot-public'], ['--', '--version']]) {
      const got = npx(args);
      assert.equal(got.code, 0, got.stderr);
      assert.equal(got.stdout, run(NATIVE, args.filter((a) => a !== '--')).stdout);
    }
  });
});

describe('the bin matches the native CLI', () => {
  test('every output format, on the demo and the S3 fixture', () => {
    for (const file of ['demo/dealership-aws.json', 'tests/fixtures/rules/aws-s3-bucket-public-acl/invalid.json']) {
      for (const format of ['json', 'sarif', 'csv', 'text']) assertSame(['audit', file, '--format', format]);
    }
    assertSame(['audit', 'demo/dealership-aws.json']);
  });

  test('--fail-on, every value', () => {
    for (const level of ['critical', 'high', 'medium', 'low', 'info', 'never']) {
      assertSame(['audit', 'tests/fixtures/rules/aws-s3-bucket-public-acl/valid.json', '--fail-on', level, '--format', 'csv']);
      assertSame(['audit', 'tests/fixtures/cli/clean.json', `--fail-on=${level}`, '--format', 'csv']);
    }
  });

  test('folders (recursive, ordered, filtered by extension), several inputs, unreadable ones', () => {
    assertSame(['audit', 'tests/fixtures/rules', '--format', 'json', '--fail-on', 'never']);
    assertSame(['audit', 'tests/fixtures/', '--format', 'csv']);
    assertSame(['audit', './tests/fixtures/decode', 'demo', '--format', 'json']);
    assertSame(['audit', 'missing.json', 'demo/dealership-aws.json', 'nope/', '--format', 'json']);
    assertSame(['audit', 'tests/fixtures/decode/powershell-utf16le.json', 'tests/fixtures/decode/gcloud-assets-bad-line3.jsonl', '--format', 'text']);
    const empty = assertSame(['audit', 'pkg/src/bin']);
    assert.equal(empty.bin.code, 2);
    assert.match(empty.bin.stderr, /keyhole: no input files found/);
  });

  test('standard input (-) and --output', () => {
    const input = readFileSync(S3_FIXTURE);
    assertSame(['audit', '-', '--format', 'json'], { input });
    assertSame(['audit', '-', 'demo/dealership-aws.json', '-', '--format', 'csv'], { input });
    const a = join(out, 'bin.sarif');
    const b = join(out, 'native.sarif');
    const bin = run(BIN, ['audit', 'demo/dealership-aws.json', '--format', 'sarif', '--output', a], { cwd: ROOT });
    const native = run(NATIVE, ['audit', 'demo/dealership-aws.json', '--format', 'sarif', '-o', b], { cwd: ROOT });
    assert.equal(bin.code, native.code);
    assert.equal(bin.stdout, '');
    assert.equal(readFileSync(a, 'utf8'), readFileSync(b, 'utf8'));
    const unwritable = both(['audit', S3_FIXTURE, '--output', join(out, 'no', 'such', 'dir.json')]);
    assert.equal(unwritable.bin.code, 2);
    assert.equal(unwritable.native.code, 2);
    assert.match(unwritable.bin.stderr, /^keyhole: could not write .*dir\.json/m);
  });

  test('--sensitive-words: the native result where the core takes options, else a clear exit 2', () => {
    const args = ['audit', 'demo/dealership-aws.json', '--format', 'json', '--sensitive-words', 'vin,records', '--sensitive-words=crm'];
    const glue = readFileSync(join(PROJECT, 'node_modules', 'keyhole-audit', 'wasm', 'keyhole.js'), 'utf8');
    if (/export function auditJson\(files, \w+\)/.test(glue)) {
      assertSame(args);
    } else {
      const { bin, native } = both(args);
      assert.equal(native.code, 1);
      assert.equal(bin.code, 2);
      assert.match(bin.stderr, /--sensitive-words is not supported by keyhole-audit .* yet/);
    }
  });

  test('rules (text, json, markdown) and explain', () => {
    assertSame(['rules']);
    assertSame(['rules', '--format', 'json']);
    assertSame(['rules', '--format=markdown']);
    assertSame(['explain', 'aws-s3-bucket-public-acl']);
    assertSame(['explain', 'AWS-RDS-SNAPSHOT-PUBLIC']);
    const unknown = assertSame(['explain', 'no-such-rule']);
    assert.equal(unknown.bin.code, 2);
  });

  test('usage errors exit 2, help exits 0', () => {
    const usage = [
      [],
      ['audit'],
      ['audit', 'x.json', '--format', 'xml'],
      ['audit', 'x.json', '--format', 'json', '--format', 'csv'],
      ['audit', 'x.json', '--fail-on', 'severe'],
      ['audit', 'x.json', '--bogus'],
      ['audit', 'x.json', '--output'],
      ['rules', '--format', 'yaml'],
      ['explain'],
      ['frobnicate'],
    ];
    for (const args of usage) {
      const { bin, native } = both(args);
      assert.equal(native.code, 2, `native ${args.join(' ')}`);
      assert.equal(bin.code, 2, `bin ${args.join(' ')}: ${bin.stderr}`);
      assert.equal(bin.stdout, '');
      assert.notEqual(bin.stderr, '');
    }
    for (const args of [['--help'], ['-h'], ['audit', '--help'], ['rules', '-h'], ['help']]) {
      const { bin, native } = both(args);
      assert.equal(bin.code, 0);
      assert.equal(native.code, 0);
      assert.match(bin.stdout, /Usage: keyhole/);
    }
  });
});
