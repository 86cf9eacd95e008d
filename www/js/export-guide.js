// "How to export": the three export scripts (export/*.sh), built into the
// page by www/build/assemble.mjs as base64 text blocks, so that the single
// file offers them offline too. Each can be downloaded (a Blob, no network)
// and, when the page is served over http(s), fetched in the cloud shell from
// this page's own origin (the build copies them to export/ beside it).

const EXPORT_CLOUDS = [
  {
    id: 'aws', script: 'aws.sh', shell: 'CloudShell', upload: 'Actions → Upload file',
    run: 'bash aws.sh', more: ['bash aws.sh --regions ap-southeast-2,us-east-1'],
  },
  {
    id: 'azure', script: 'azure.sh', shell: 'Cloud Shell', upload: 'Manage files → Upload',
    run: 'bash azure.sh', more: ['bash azure.sh --subscription SUBSCRIPTION-ID'],
  },
  {
    id: 'gcp', script: 'gcp.sh', shell: 'Cloud Shell', upload: 'More → Upload',
    // Cloud Shell opens on the console's current project: no id to fill in.
    run: 'bash gcp.sh',
    more: ['bash gcp.sh --project PROJECT-ID', 'bash gcp.sh --folder FOLDER-ID', 'bash gcp.sh --organization ORGANIZATION-ID'],
  },
];

/** The embedded script's bytes, exactly as in export/, or null. */
function exportScriptBytes(cloud) {
  const block = document.getElementById('keyhole-export-' + cloud.id);
  if (!block) return null;
  const bin = atob(block.textContent.replace(/\s+/g, ''));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** A command line with a Copy button; without a clipboard, it selects the text and says so. */
function exportCommand(text, label) {
  const code = h('code', null, text);
  const status = h('span', { class: 'copy-status', role: 'status' });
  const button = h('button', { type: 'button', class: 'button button-small button-quiet copy', 'aria-label': 'Copy: ' + label },
    icon('copy'), 'Copy');
  button.addEventListener('click', async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      status.textContent = 'Copied';
    } catch (err) {
      const range = document.createRange();
      range.selectNodeContents(code);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      status.textContent = 'Selected: press Ctrl+C (⌘C on a Mac) to copy';
    }
  });
  return h('div', { class: 'code-wrap export-command' },
    h('div', { class: 'code-bar' }, h('span', null, label), status, button),
    h('pre', { class: 'code', tabindex: '0', 'aria-label': label }, code));
}

function downloadExportScript(cloud, bytes) {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'text/x-shellscript' }));
  const a = h('a', { href: url, download: cloud.script, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/** True for a page served from this computer, which no cloud shell can reach. */
function servedLocally() {
  return /^(localhost|127(\.\d+){3}|\[::1\])$/.test(location.hostname);
}

function renderExportGuide() {
  const served = location.protocol === 'https:' || location.protocol === 'http:';
  for (const cloud of EXPORT_CLOUDS) {
    const slot = document.querySelector('.export-actions[data-cloud="' + cloud.id + '"]');
    if (!slot) continue;
    clear(slot);
    const bytes = exportScriptBytes(cloud);
    if (served) {
      // The script's address on this page's own origin; quoted for the shell.
      const url = new URL('export/' + cloud.script, location.href).href;
      slot.appendChild(h('p', null, 'Paste this into ' + cloud.shell + '. It fetches the script from this page’s own site and runs it:'));
      slot.appendChild(exportCommand("curl -fsSLO '" + url + "' && " + cloud.run, 'Fetch and run ' + cloud.script));
      if (servedLocally()) {
        slot.appendChild(h('p', { class: 'export-note' }, icon('info'),
          'This page is served from your own computer (' + location.host + '), which ' + cloud.shell
          + ' cannot reach. Download the script instead, as below.'));
      }
      slot.appendChild(h('p', null, 'Or download the script, upload it to ' + cloud.shell + ' (' + cloud.upload + ') and run it:'));
    } else {
      slot.appendChild(h('p', null, 'Download the script, upload it to ' + cloud.shell + ' (' + cloud.upload + ') and run it:'));
    }
    if (bytes) {
      const button = h('button', { type: 'button', class: 'button button-small export-download', dataset: { cloud: cloud.id } },
        icon('download'), 'Download ' + cloud.script);
      button.addEventListener('click', () => downloadExportScript(cloud, bytes));
      slot.appendChild(h('p', null, button, ' ', h('span', { class: 'muted' }, formatBytes(bytes.length) + ', a plain text shell script: read it first if you like.')));
    } else {
      slot.appendChild(h('p', { class: 'export-note' }, 'This copy of the page was built without the scripts: take ' + cloud.script + ' from the export/ folder of Keyhole.'));
    }
    slot.appendChild(exportCommand(cloud.run, 'Run ' + cloud.script));
    slot.appendChild(h('p', { class: 'muted' }, 'Other ways to run it: ', cloud.more.map((m, i) => [i ? ', ' : '', h('code', null, m)]), '. It shows its progress and ends with the name of the file it wrote.'));
  }
}
