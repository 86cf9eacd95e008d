// Shared pieces of the npm package's tests. scripts/test-npm.sh builds and
// packs the package, installs the tarball into a fresh temporary project and
// passes its folder here (KEYHOLE_NPM_PROJECT): every test uses the package
// from there, as a user would.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const HERE = join(ROOT, 'tests', 'npm');

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with scripts/test-npm.sh`);
  return value;
}

/** The fresh project the tarball was installed into. */
export const PROJECT = realpathSync(required('KEYHOLE_NPM_PROJECT'));
/** The packed tarball. */
export const TARBALL = required('KEYHOLE_NPM_TARBALL');
/** The installed package's folder. */
export const INSTALLED = join(PROJECT, 'node_modules', 'keyhole-audit');
/** The native CLI the bin is compared with. */
export const NATIVE = process.env.KEYHOLE_CLI || join(ROOT, 'target', 'debug', 'keyhole');

export const S3_FIXTURE = join(ROOT, 'tests', 'fixtures', 'rules', 'aws-s3-bucket-public-acl', 'invalid.json');
export const S3_EXPECTED = join(ROOT, 'tests', 'fixtures', 'rules', 'aws-s3-bucket-public-acl', 'expected.json');
export const DEMO = join(ROOT, 'demo', 'dealership-aws.json');

/** The crate's version, from cargo (the one source of truth). */
export function crateVersion() {
  const out = run('cargo', ['metadata', '--no-deps', '--format-version', '1', '--offline'], { cwd: ROOT });
  if (out.code !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout).packages.find((p) => p.name === 'keyhole').version;
}

/** Runs a command; never throws on a non-zero exit. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    encoding: options.encoding ?? 'utf8',
    maxBuffer: 1 << 30,
    ...options,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  if (result.error) throw result.error;
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** Copies files from tests/npm/consumer/ into the project. */
export function copyIntoProject(from, to = from) {
  cpSync(join(HERE, 'consumer', from), join(PROJECT, to), { recursive: true });
  return join(PROJECT, to);
}

/** Runs a Node script inside the project and returns its JSON output. */
export function nodeJson(script, args = [], options = {}) {
  const out = run(process.execPath, [script, ...args], { cwd: PROJECT, ...options });
  if (out.code !== 0) throw new Error(`${script} exited with ${out.code}:\n${out.stderr}`);
  return JSON.parse(out.stdout);
}

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

export async function launch() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** A plain static server for `dir` on 127.0.0.1 (no bundler), sending `headers` with every file. */
export function serveStatic(dir, headers = {}) {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const path = resolve(root, '.' + decodeURIComponent(new URL(req.url, 'http://x').pathname));
    let file = path;
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!(file === root || file.startsWith(root + sep)) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => {
      done({ url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((c) => server.close(c)) });
    });
  });
}
