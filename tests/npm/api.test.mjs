// (a) The package from a Node ESM script (and CommonJS), installed from the
// packed tarball: findings, versions, errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  crateVersion,
  copyIntoProject,
  DEMO,
  INSTALLED,
  NATIVE,
  nodeJson,
  PROJECT,
  ROOT,
  run,
  S3_EXPECTED,
  S3_FIXTURE,
  TARBALL,
} from './helpers.mjs';

const script = copyIntoProject('audit.mjs');
// cwd is the repository, so that auditFile names files as the native CLI does.
const got = nodeJson(script, ['tests/fixtures/rules/aws-s3-bucket-public-acl/invalid.json', 'demo/dealership-aws.json'], {
  cwd: ROOT,
});

function native(args, cwd = ROOT) {
  const out = run(NATIVE, args, { cwd });
  return { ...out, json: args.includes('json') ? JSON.parse(out.stdout) : undefined };
}

describe('Node ESM consumer', () => {
  test('resolves the Node build through the "node" export condition', () => {
    assert.equal(got.entry, `file://${join(INSTALLED, 'node.js')}`);
  });

  test('one version everywhere: crate, package.json, tarball name, version(), native CLI', () => {
    const version = crateVersion();
    const manifest = JSON.parse(readFileSync(join(INSTALLED, 'package.json'), 'utf8'));
    assert.equal(manifest.version, version, 'package.json version differs from crate/Cargo.toml');
    assert.ok(TARBALL.endsWith(`keyhole-audit-${version}.tgz`), TARBALL);
    assert.equal(got.version, version);
    assert.equal(got.demo.tool.version, version);
    assert.equal(run(NATIVE, ['--version']).stdout.trim(), `keyhole ${version}`);
  });

  test('audits aws-s3-bucket-public-acl/invalid.json: the expected public buckets', () => {
    const expected = JSON.parse(readFileSync(S3_EXPECTED, 'utf8'))['invalid.json'];
    const found = got.s3.findings
      .filter((f) => f.rule === 'aws-s3-bucket-public-acl')
      .map((f) => ({ resource: f.resource.name, verdict: f.verdict, severity: f.severity }));
    const key = (f) => `${f.resource}|${f.verdict}|${f.severity}`;
    assert.deepEqual(found.map(key).sort(), expected.map(key).sort());
    assert.equal(got.s3.schema, 'keyhole-report/1');
    assert.deepEqual(got.s3.inputs.map((i) => [i.file, i.error]), [['invalid.json', null]]);
    for (const f of got.s3.findings) {
      assert.ok(f.evidence.length > 0 && f.evidence.every((e) => e.file === 'invalid.json' && e.pointer.startsWith('/')));
    }
  });

  test('audits the demo export: the eight exposures of demo/README.md and the unchecked KMS key', () => {
    const exposures = [
      ['kiwimotors-customer-records', 'aws-s3-bucket-public-acl', 'critical'],
      ['kiwimotors-customer-records', 'aws-s3-bucket-public-policy', 'critical'],
      ['kiwimotors-vin-telematics-archive', 'aws-s3-bucket-public-acl', 'critical'],
      ['bastion-sg', 'aws-ec2-security-group-open-admin-port', 'high'],
      ['crm-postgres-sg', 'aws-ec2-security-group-open-database-port', 'critical'],
      ['kiwimotors-crm-db', 'aws-rds-instance-public', 'critical'],
      ['aws-ec2-snapshot-public', 'critical'],
      ['crm-db-before-migration-2019', 'aws-rds-snapshot-public', 'critical'],
    ];
    for (const e of exposures) {
      const [name, rule, severity] = e.length === 3 ? e : [undefined, ...e];
      const match = got.demo.findings.find(
        (f) => f.rule === rule && f.severity === severity && (name === undefined || f.resource.name === name),
      );
      assert.ok(match, `no ${severity} ${rule} finding for ${name ?? 'a snapshot'}`);
    }
    const customer = got.demo.findings.find((f) => f.resource.name === 'kiwimotors-customer-records');
    assert.ok(customer.sensitive.includes('customer'));
    assert.ok(
      got.demo.unchecked.some((u) => JSON.stringify(u).includes('6e1d2c3b-4a59-4876-b5a4-c3d2e1f0a9b8')),
      'the KMS key whose policy could not be read is not in `unchecked`',
    );
    assert.ok(got.demo.summary.critical >= 7);
  });

  test('audit() and auditFile() give the native CLI\'s report, to the byte', () => {
    const inDemo = native(['audit', 'dealership-aws.json', '--format', 'json'], join(ROOT, 'demo'));
    assert.deepEqual(got.demo, inDemo.json);
    assert.equal(got.demoSarif, native(['audit', 'dealership-aws.json', '--format', 'sarif'], join(ROOT, 'demo')).stdout);
    assert.equal(got.demoCsvFromJson, native(['audit', 'dealership-aws.json', '--format', 'csv'], join(ROOT, 'demo')).stdout);
    assert.deepEqual(got.demoFile, native(['audit', 'demo/dealership-aws.json', '--format', 'json']).json);
    const both = native([
      'audit',
      'tests/fixtures/rules/aws-s3-bucket-public-acl/invalid.json',
      'missing.json',
      'demo/dealership-aws.json',
      '--format',
      'json',
    ]);
    assert.equal(both.code, 2);
    assert.deepEqual(got.both, both.json);
    assert.equal(got.both.inputs[1].error, 'there is no such file');
  });

  test('exitCode() follows the CLI', () => {
    assert.deepEqual(got.exitCodes, { critical: 1, high: 1, medium: 1, low: 1, info: 1, never: 0 });
    assert.equal(got.defaultExitCode, 1);
    assert.deepEqual(got.severities, ['critical', 'high', 'medium', 'low', 'info']);
    assert.ok(got.rules.includes('aws-s3-bucket-public-acl'));
  });
});

describe('errors', () => {
  const out = nodeJson(copyIntoProject('errors.mjs'), [INSTALLED, S3_FIXTURE]);
  const fails = (name, pattern) => {
    assert.equal(out[name].ok, false, `${name} did not throw`);
    assert.equal(out[name].isError, true, `${name} threw something that is not an Error`);
    assert.match(out[name].message, pattern);
  };

  test('bad arguments throw Errors that say what is expected', () => {
    fails('notAnArray', /array of files/);
    fails('nullFile', /^file 0: expected an object/);
    fails('noBytes', /x\.json: `bytes` must be a Uint8Array or an ArrayBuffer/);
    fails('stringBytes', /x\.json: `bytes` must be a Uint8Array or an ArrayBuffer/);
    fails('badOptions', /audit options must be an object/);
    fails('unknownOption', /unknown audit option 'failOn'/);
    fails('badWords', /sensitiveWords must be an array of strings/);
    fails('badFormat', /unknown format 'xml'/);
    fails('notAReport', /^not a Keyhole report/);
    fails('badFailOn', /unknown failOn 'severe'/);
    fails('auditFileNoPath', /auditFile expects a path/);
    assert.deepEqual(out.emptyOptions, { ok: true, value: 8 });
  });

  test('options.sensitiveWords: used when the core takes options, else a clear Error', () => {
    const glue = readFileSync(join(INSTALLED, 'wasm', 'keyhole.js'), 'utf8');
    const takesOptions = /export function auditJson\(files, \w+\)/.test(glue);
    if (takesOptions) {
      assert.equal(out.sensitiveWords.ok, true, out.sensitiveWords.message);
      const native = JSON.parse(run(NATIVE, ['audit', S3_FIXTURE, '--format', 'json', '--sensitive-words', 'web']).stdout);
      assert.deepEqual(out.sensitiveWords.value, native.findings.map((f) => f.sensitive));
    } else {
      fails('sensitiveWords', /options\.sensitiveWords is not supported by keyhole-audit .*: its WebAssembly core does not take options yet/);
    }
  });

  test('an unreadable file is reported in inputs[].error, not thrown', () => {
    assert.equal(out.unreadable.ok, true);
    const [bad, good] = out.unreadable.value.inputs;
    assert.equal(bad.file, 'bad.json');
    assert.equal(typeof bad.error, 'string');
    assert.equal(good.error, null);
    assert.ok(out.unreadable.value.findings.length > 0);
  });

  test('a trap in the module becomes an Error with the panic message, and the module restarts', () => {
    fails('panic', /^Keyhole hit an internal error: panicked at src\/x\.rs:1:1: boom$/);
    fails('panicWithoutMessage', /^Keyhole hit an internal error: unreachable$/);
    assert.equal(out.resets, 2);
    assert.equal(out.panicGlobalCleared, true);
    assert.equal(out.sameAfterReset, true);
    assert.ok(out.rulesAfterReset > 0);
  });
});

describe('CommonJS consumer', () => {
  test('require() works where Node can require ES modules, else says how to import', () => {
    const out = nodeJson(copyIntoProject('require.cjs'), [DEMO]);
    if (process.features.require_module) {
      assert.equal(out.ok, true, out.message);
      assert.equal(out.resolved, join(INSTALLED, 'index.cjs'));
      assert.deepEqual(out.exports, ['SEVERITIES', 'audit', 'auditFile', 'exitCode', 'render', 'rules', 'version']);
      assert.equal(out.version, crateVersion());
      assert.ok(out.findings > 0);
    } else {
      assert.equal(out.ok, false);
      assert.equal(out.code, 'ERR_REQUIRE_ESM');
      assert.match(out.message, /import \{ audit \} from 'keyhole-audit'/);
    }
  });

  test('without require(esm), the CommonJS entry explains how to import', () => {
    // Node 20.19+ and 22.12+ can turn require(esm) off: the older Nodes' case.
    const flags = process.features.require_module ? ['--no-experimental-require-module'] : [];
    const out = run(process.execPath, [...flags, join(PROJECT, 'require.cjs'), DEMO], {
      cwd: PROJECT,
    });
    const result = JSON.parse(out.stdout);
    assert.equal(result.ok, false);
    assert.equal(result.code, 'ERR_REQUIRE_ESM');
    assert.match(result.message, /keyhole-audit is an ES module/);
    assert.match(result.message, /import \{ audit \} from 'keyhole-audit'/);
    assert.match(result.message, /await import\('keyhole-audit'\)/);
  });
});
