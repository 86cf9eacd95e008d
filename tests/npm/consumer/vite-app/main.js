// A tiny app, as a user would write it: pick files, audit them in the page.
import { audit, exitCode, render, version } from 'keyhole-audit';

const out = document.getElementById('out');
document.getElementById('files').addEventListener('change', async (event) => {
  try {
    const files = await Promise.all(
      [...event.target.files].map(async (file) => ({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })),
    );
    const report = audit(files);
    out.dataset.report = JSON.stringify(report);
    out.dataset.exit = String(exitCode(report));
    out.textContent = render(report, 'text');
  } catch (err) {
    out.dataset.error = String(err && err.message);
  }
});
document.body.dataset.ready = version();
