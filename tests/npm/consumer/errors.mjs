// Misuse and failure paths of the API, as a consumer sees them.
// node errors.mjs INSTALLED_PACKAGE_DIR S3_FIXTURE
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { audit, auditFile, exitCode, render, rules } from 'keyhole-audit';

const [installed, s3] = process.argv.slice(2);
const bytes = new Uint8Array(readFileSync(s3));
const files = [{ name: 'invalid.json', bytes }];

function attempt(fn) {
  try {
    const value = fn();
    return { ok: true, value };
  } catch (err) {
    return { ok: false, isError: err instanceof Error, message: String(err && err.message) };
  }
}

const out = {
  notAnArray: attempt(() => audit('invalid.json')),
  nullFile: attempt(() => audit([null])),
  noBytes: attempt(() => audit([{ name: 'x.json' }])),
  stringBytes: attempt(() => audit([{ name: 'x.json', bytes: 'text' }])),
  badOptions: attempt(() => audit(files, 'customer')),
  unknownOption: attempt(() => audit(files, { failOn: 'high' })),
  badWords: attempt(() => audit(files, { sensitiveWords: 'customer' })),
  sensitiveWords: attempt(() => audit(files, { sensitiveWords: ['web'] }).findings.map((f) => f.sensitive)),
  emptyOptions: attempt(() => audit(files, {}).findings.length),
  unreadable: attempt(() => audit([{ name: 'bad.json', bytes: new TextEncoder().encode('{ nope') }, ...files])),
  badFormat: attempt(() => render(audit(files), 'xml')),
  notAReport: attempt(() => render({ nope: true }, 'json')),
  badFailOn: attempt(() => exitCode(audit(files), 'severe')),
  auditFileNoPath: attempt(() => auditFile('')),
};

// A trap inside the module becomes an Error carrying the panic's message,
// and the module is started afresh (tested with a stand-in for the glue,
// since the core has no way to panic on purpose).
const { createApi } = await import(pathToFileURL(join(installed, 'lib', 'api.js')).href);
let resets = 0;
const fake = createApi({
  auditJson(_files) {
    globalThis.__keyholePanic = 'Keyhole hit an internal error: panicked at src/x.rs:1:1: boom';
    throw new WebAssembly.RuntimeError('unreachable');
  },
  rules() {
    throw new WebAssembly.RuntimeError('unreachable');
  },
  version: () => '0.0.0',
  render() {},
  renderJson() {},
  __wbg_reset_state() {
    resets++;
  },
});
out.panic = attempt(() => fake.audit([]));
out.panicWithoutMessage = attempt(() => fake.rules());
out.resets = resets;
out.panicGlobalCleared = globalThis.__keyholePanic === undefined;

// The real glue's reset: the module audits the same after being started afresh.
const glue = await import(pathToFileURL(join(installed, 'wasm', 'keyhole.js')).href);
const before = JSON.stringify(audit(files));
glue.__wbg_reset_state();
out.sameAfterReset = JSON.stringify(audit(files)) === before;
out.rulesAfterReset = rules().length;

console.log(JSON.stringify(out));
