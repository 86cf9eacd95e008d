// No bundler: the browser loads the package's files as they are, under a
// strict Content-Security-Policy (see tests/npm/browser.test.mjs).
import { audit, exitCode, version } from '../node_modules/keyhole-audit/index.js';

const violations = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
const out = document.getElementById('out');
document.getElementById('files').addEventListener('change', async (event) => {
  try {
    const files = await Promise.all(
      [...event.target.files].map(async (file) => ({ name: file.name, bytes: await file.arrayBuffer() })),
    );
    const report = audit(files);
    out.dataset.report = JSON.stringify(report);
    out.dataset.exit = String(exitCode(report));
  } catch (err) {
    out.dataset.error = String(err && err.message);
  }
  out.dataset.violations = JSON.stringify(violations);
});
document.body.dataset.ready = version();
