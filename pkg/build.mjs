// Assembles the npm package in pkg/dist/package/ from the committed sources
// (pkg/src/, pkg/package.json, pkg/README.md) and the generated WebAssembly
// (wasm-bindgen's --target web glue and the wasm-opt'ed module).
// scripts/build-npm.sh runs it; see pkg/README.md, "Building".
//
//   node pkg/build.mjs --glue DIR --wasm FILE --version X.Y.Z --out DIR
import { chmodSync, copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const PKG = dirname(fileURLToPath(import.meta.url));
const SRC = join(PKG, 'src');

const { values: args } = parseArgs({
  options: {
    glue: { type: 'string' },
    wasm: { type: 'string' },
    version: { type: 'string' },
    out: { type: 'string' },
  },
});
for (const name of ['glue', 'wasm', 'version', 'out']) {
  if (!args[name]) throw new Error(`build.mjs: --${name} is required`);
}
if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(args.version)) {
  throw new Error(`build.mjs: '${args.version}' is not a semver version`);
}

const OUT = args.out;
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

const copy = (from, to) => {
  mkdirSync(dirname(join(OUT, to)), { recursive: true });
  copyFileSync(from, join(OUT, to));
};

// JavaScript sources, as they are.
for (const file of ['index.js', 'node.js', 'index.cjs', 'bin/keyhole.js']) copy(join(SRC, file), file);
for (const file of readdirSync(join(SRC, 'lib')).filter((f) => f.endsWith('.js'))) {
  copy(join(SRC, 'lib', file), join('lib', file));
}
chmodSync(join(OUT, 'bin/keyhole.js'), 0o755);

// The generated part.
copy(join(args.glue, 'keyhole.js'), 'wasm/keyhole.js');
copy(args.wasm, 'wasm/keyhole_bg.wasm');

// Types: one hand-written file; the Node ones add auditFile. Each is whole
// (no imports), so the ES and CommonJS flavours need nothing from each other.
const types = readFileSync(join(SRC, 'keyhole.d.ts'), 'utf8');
const nodeTypes = types + readFileSync(join(SRC, 'node-extra.d.ts'), 'utf8');
writeFileSync(join(OUT, 'index.d.ts'), types);
writeFileSync(join(OUT, 'node.d.ts'), nodeTypes);
writeFileSync(join(OUT, 'index.d.cts'), nodeTypes);

copy(join(PKG, 'README.md'), 'README.md');

// package.json: the committed manifest, with the crate's version.
const manifest = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8'));
const { name, '//': _comment, private: _private, devDependencies: _dev, version: _version, ...rest } = manifest;
writeFileSync(join(OUT, 'package.json'), JSON.stringify({ name, version: args.version, ...rest }, null, 2) + '\n');

// Every file the manifest ships must exist, and every built file be shipped.
const built = [];
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else built.push(relative(OUT, path));
  }
};
walk(OUT);
const shipped = (file) =>
  ['package.json', 'README.md'].includes(file) ||
  manifest.files.some((f) => (f.endsWith('/') ? file.startsWith(f) : file === f));
const unshipped = built.filter((f) => !shipped(f));
if (unshipped.length) throw new Error(`build.mjs: built but not in "files": ${unshipped.join(', ')}`);
for (const f of manifest.files.filter((f) => !f.endsWith('/'))) {
  if (!built.includes(f)) throw new Error(`build.mjs: "files" lists ${f}, which was not built`);
}
console.log(`assembled ${relative(process.cwd(), OUT) || OUT}/ (${name}@${args.version}, ${built.length} files)`);
