// Real output for the type check: the demo, and every file under
// tests/fixtures/ audited as one upload (every format, unreadable inputs,
// YAML line numbers...). node real-reports.mjs REPO_ROOT
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { audit, auditFile, rules } from 'keyhole-audit';

const root = process.argv[2];
const files = [];
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else files.push({ name: relative(root, path), bytes: readFileSync(path) });
  }
};
walk(join(root, 'tests', 'fixtures'));

console.log(
  JSON.stringify({
    reports: [auditFile(join(root, 'demo', 'dealership-aws.json')), audit(files)],
    catalogue: rules(),
  }),
);
