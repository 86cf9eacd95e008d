// The bad-input suite through the packed package's audit() (the wasm
// bindings, in Node): every case of tests/fixtures/bad-inputs/cases.json,
// uploaded with the companion file in both orders, gives the stated outcome,
// and the same report as the native CLI.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { casesFor, companion, make, problems } from '../support/bad-inputs.mjs';
import { INSTALLED, NATIVE, run } from './helpers.mjs';

const { audit } = await import(pathToFileURL(join(INSTALLED, 'node.js')).href);
const dir = mkdtempSync(join(tmpdir(), 'keyhole-bad-inputs-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const other = companion();
writeFileSync(join(dir, other.name), other.bytes);

describe('bad inputs through audit()', () => {
  for (const kase of casesFor('npm')) {
    test(`${kase.id}: ${kase.about}`, () => {
      const bytes = make(kase.make);
      for (const files of [[{ name: kase.name, bytes }, other], [other, { name: kase.name, bytes }]]) {
        const report = audit(files);
        assert.deepEqual(problems(kase, report), []);
      }
      // The same report as the native CLI, byte for byte (the gzip bomb: the
      // package refuses at its own, lower limit, so only the outcome agrees).
      writeFileSync(join(dir, kase.name), bytes);
      const native = run(NATIVE, ['audit', '--format', 'json', '--fail-on', 'never', kase.name, other.name], { cwd: dir });
      const report = audit([{ name: kase.name, bytes }, other]);
      if (kase.id === 'gzip-bomb') assert.deepEqual(problems(kase, JSON.parse(native.stdout)), []);
      else assert.deepEqual(report, JSON.parse(native.stdout));
    });
  }
});
