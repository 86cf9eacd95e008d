// A Node ESM consumer: audits the fixtures through the package's public API
// and prints what it got as JSON. node audit.mjs S3_FIXTURE DEMO
import { readFileSync } from 'node:fs';
import { audit, auditFile, exitCode, render, rules, SEVERITIES, version } from 'keyhole-audit';

const [s3, demo] = process.argv.slice(2);
const s3Report = audit([{ name: 'invalid.json', bytes: new Uint8Array(readFileSync(s3)) }]);
const demoBytes = readFileSync(demo);
const demoBuffer = demoBytes.buffer.slice(demoBytes.byteOffset, demoBytes.byteOffset + demoBytes.byteLength);
const demoReport = audit([{ name: 'dealership-aws.json', bytes: demoBuffer }]);

console.log(
  JSON.stringify({
    entry: import.meta.resolve('keyhole-audit'),
    version: version(),
    rules: rules().map((r) => r.id),
    severities: SEVERITIES,
    s3: s3Report,
    demo: demoReport,
    demoSarif: render(demoReport, 'sarif'),
    demoCsvFromJson: render(JSON.stringify(demoReport), 'csv'),
    demoFile: auditFile(demo),
    both: auditFile([s3, 'missing.json', demo]),
    exitCodes: Object.fromEntries(['critical', 'high', 'medium', 'low', 'info', 'never'].map((f) => [f, exitCode(demoReport, f)])),
    defaultExitCode: exitCode(demoReport),
  }),
);
