// A CommonJS consumer. node require.cjs DEMO
'use strict';
try {
  const keyhole = require('keyhole-audit');
  const report = keyhole.auditFile(process.argv[2]);
  console.log(
    JSON.stringify({
      ok: true,
      resolved: require.resolve('keyhole-audit'),
      exports: Object.keys(keyhole).sort(),
      version: keyhole.version(),
      findings: report.findings.length,
    }),
  );
} catch (err) {
  console.log(JSON.stringify({ ok: false, code: err.code, message: err.message }));
}
