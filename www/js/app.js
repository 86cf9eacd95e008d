// The page: files in, findings out, all inside this tab.

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
const SEVERITY_LABEL = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };
const SEVERITY_HINT = {
  critical: 'Fix today',
  high: 'Fix this week',
  medium: 'Plan a fix',
  low: 'Good hygiene',
  info: 'For your information',
};
const VERDICT_LABEL = {
  public: 'Open to anyone',
  exposed: 'Reachable from the internet',
  weak: 'Missing protection',
  unknown: 'Could not be confirmed',
};
const FORMAT_LABEL = {
  'aws-config-snapshot': 'AWS Config snapshot',
  'aws-config-items': 'AWS Config items',
  'keyhole-aws-export': 'Keyhole AWS export bundle',
  'keyhole-azure-export': 'Keyhole Azure export bundle',
  'keyhole-gcp-export': 'Keyhole GCP export bundle',
  'terraform-plan': 'Terraform plan',
  'terraform-state': 'Terraform state',
  cloudformation: 'CloudFormation template',
  'arm-template': 'Azure Resource Manager template',
  'azure-resource-graph': 'Azure Resource Graph results',
  'gcp-asset-inventory': 'Google Cloud Asset Inventory export',
};
const PROVIDER_LABEL = { aws: 'AWS', azure: 'Azure', gcp: 'Google Cloud' };
const GROUP_PAGE = 30;
const FINDING_PAGE = 8;

const state = {
  files: [], // { name, size, bytes: Uint8Array | null, input: InputSummary | null, normalized: Promise | null }
  demo: false,
  report: null,
  rules: new Map(),
  version: '',
  filters: { severities: new Set(SEVERITIES), provider: '', rule: '', text: '' },
  groupBy: 'rule',
  groupLimit: GROUP_PAGE,
  busy: false,
};

const worker = new AuditWorker();

function formatLabel(format) {
  if (!format) return 'Not recognised';
  if (FORMAT_LABEL[format]) return FORMAT_LABEL[format];
  if (format.startsWith('aws-cli-')) return 'AWS CLI output: ' + format.slice(8);
  if (format.startsWith('azure-cli-')) return 'Azure CLI output: ' + format.slice(10);
  if (format.startsWith('gcloud-')) return 'gcloud output: ' + format.slice(7);
  return format;
}

function providerLabel(p) {
  return PROVIDER_LABEL[p] || p;
}

function firstSentence(text) {
  const t = String(text || '').trim().split(/\n\s*\n/)[0].replace(/\s+/g, ' ').replace(/`/g, '');
  const m = t.match(/^.*?[.!?](\s|$)/);
  return (m ? m[0] : t).trim();
}

// ---------------------------------------------------------------- routing

function route() {
  const hash = location.hash.startsWith('#/') ? location.hash : '#/';
  const view = hash.startsWith('#/rules') ? 'rules' : hash.startsWith('#/privacy') ? 'privacy' : 'audit';
  for (const name of ['audit', 'rules', 'privacy']) {
    $('#view-' + name).hidden = name !== view;
  }
  for (const link of document.querySelectorAll('.nav a')) {
    if (link.dataset.view === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = (view === 'rules' ? 'Rules · ' : view === 'privacy' ? 'Privacy · ' : '') + 'Keyhole: what your cloud leaves open to the internet';
  return view;
}

window.addEventListener('hashchange', () => {
  // Only '#/...' hashes are views; others (the skip link's #main) are anchors.
  if (location.hash && !location.hash.startsWith('#/')) return;
  const view = route();
  if (view === 'rules' && openLinkedRule()) return;
  // Move focus to the new view for keyboard and screen-reader users.
  const heading = $('#view-' + view + ' h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
});

/** '#/rules/<id>' opens that rule's card. */
function openLinkedRule() {
  const m = /^#\/rules\/(.+)$/.exec(location.hash);
  if (!m) return false;
  const card = document.getElementById('rule-' + decodeURIComponent(m[1]));
  if (!card) return false;
  card.hidden = false;
  card.querySelector('details').open = true;
  card.scrollIntoView({ block: 'start' });
  card.querySelector('summary').focus();
  return true;
}

// ---------------------------------------------------------------- input

function showFatal(message) {
  const box = $('#fatal');
  clear(box).appendChild(h('p', null, h('strong', null, 'Keyhole could not start. '), message));
  box.hidden = false;
}

function setBusy(busy) {
  state.busy = busy;
  $('#choose').disabled = busy;
  $('#demo').disabled = busy;
  $('#clear').disabled = busy;
  $('#dropzone').dataset.state = busy ? 'busy' : 'idle';
  for (const b of document.querySelectorAll('#downloads button, .file-remove')) b.disabled = busy;
}

const progress = {
  timer: null,
  set(phase, label, value, detail) {
    const panel = $('#progress');
    panel.hidden = phase === 'idle';
    panel.dataset.phase = phase;
    $('#progress-label').textContent = label;
    const bar = $('#progress-bar');
    if (value === null) bar.removeAttribute('value');
    else bar.value = value;
    $('#progress-detail').textContent = detail || '';
  },
};

// ---------------------------------------------------------------- size limit
// A file is read whole into this tab, then copied into the audit's
// WebAssembly memory (at most 4 GB, for everything the audit builds). Rather
// than risk the tab, a bigger file is refused before a byte of it is read: it
// is listed with this error and the other files are still audited. The CLI
// has no such limit (docs/page.md, docs/inputs.md).
const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** The `inputs[]` entry of a file the page refuses to read. */
function tooBig(name, size) {
  return {
    file: name, format: null, resources: 0, skipped: [], notes: [],
    error: 'this file is ' + formatBytes(size) + ', more than the ' + formatBytes(MAX_FILE_BYTES) + ' this page reads; '
      + 'audit it with the command line (keyhole audit FILE), which reads files of any size',
  };
}

/** Reads a File into its own ArrayBuffer, reporting progress. */
async function readFile(file, onBytes) {
  const out = new Uint8Array(file.size);
  let offset = 0;
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (offset + value.length > out.length) throw new Error('the file changed while it was being read');
    out.set(value, offset);
    offset += value.length;
    onBytes(value.length);
  }
  return offset === out.length ? out : out.slice(0, offset);
}

function uniqueName(name, taken) {
  if (!taken.has(name)) return name;
  const dot = name.indexOf('.', 1);
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  for (let n = 2; ; n++) {
    const candidate = stem + ' (' + n + ')' + ext;
    if (!taken.has(candidate)) return candidate;
  }
}

async function addFiles(fileList) {
  const files = Array.from(fileList || []);
  if (files.length === 0 || state.busy) return;
  setBusy(true);
  if (state.demo) {
    state.files = [];
    state.demo = false;
  }
  const total = files.filter((f) => f.size <= MAX_FILE_BYTES).reduce((sum, f) => sum + f.size, 0);
  let read = 0;
  let frame = 0;
  const update = () => {
    frame = 0;
    progress.set('reading', 'Reading ' + (files.length === 1 ? files[0].name : files.length + ' files') + '…', total ? read / total : 1,
      formatBytes(read) + ' of ' + formatBytes(total) + ' read from your disk');
  };
  update();
  // A file with the name of one already here replaces it (a fresh export of
  // the same thing); two files of the same name in one drop are both kept.
  const taken = new Set();
  const added = [];
  try {
    for (const file of files) {
      const name = uniqueName(file.name, taken);
      taken.add(name);
      if (file.size > MAX_FILE_BYTES) {
        added.push({ name, size: file.size, bytes: null, input: tooBig(name, file.size), refused: true, normalized: null });
        continue;
      }
      const bytes = await readFile(file, (n) => {
        read += n;
        if (!frame) frame = requestAnimationFrame(update);
      });
      added.push({ name, size: file.size, bytes, input: null, normalized: null });
    }
  } catch (err) {
    if (frame) cancelAnimationFrame(frame);
    setBusy(false);
    progress.set('idle', '', 0);
    showFileError('Could not read the file from your disk: ' + err.message);
    return;
  }
  // A progress update still waiting for its frame must not come after the
  // reading phase is over.
  if (frame) cancelAnimationFrame(frame);
  frame = 0;
  state.files = state.files.filter((f) => !taken.has(f.name)).concat(added);
  await runAudit();
}

function showFileError(message) {
  $('#files').hidden = false;
  $('#file-list').appendChild(h('li', { class: 'file file-error' }, icon('alert'), h('p', null, message)));
}

async function runAudit() {
  setBusy(true);
  renderFiles();
  const total = state.files.reduce((sum, f) => sum + f.size, 0);
  const started = performance.now();
  progress.set('auditing', 'Checking ' + formatBytes(total) + ' of configuration…', null, 'Starting the check on this device…');
  let status = 'Running on this device, in the background';
  const tick = setInterval(() => {
    const s = ((performance.now() - started) / 1000).toFixed(1);
    $('#progress-detail').textContent = status + ' · ' + s + ' s';
  }, 200);
  const payload = state.files.filter((f) => !f.refused).map((f) => ({ name: f.name, buffer: f.bytes.buffer }));
  for (const f of state.files) {
    f.bytes = null; // transferred to the worker until it hands them back
    f.normalized = null;
  }
  let result;
  try {
    result = await worker.auditIsolating(payload, (text) => { status = text; });
  } catch (err) {
    clearInterval(tick);
    restoreFiles(err.files);
    setBusy(false);
    progress.set('idle', '', 0);
    const box = $('#fatal');
    clear(box).appendChild(h('p', null, h('strong', null, 'The check stopped. '), err.message,
      err.files ? '' : ' Please add your files again.'));
    box.hidden = false;
    if (!err.files) state.files = [];
    renderFiles();
    return;
  }
  clearInterval(tick);
  restoreFiles(result.files);
  progress.set('rendering', 'Preparing the results…', 1, 'Checked in ' + (result.elapsed / 1000).toFixed(1) + ' s');
  // Let the browser paint the progress state before parsing and rendering.
  await new Promise((resolve) => setTimeout(resolve, 0));
  const report = JSON.parse(result.json);
  // Refused files are in the report as the CLI lists unreadable files: with their error.
  report.inputs.push(...state.files.filter((f) => f.refused).map((f) => f.input));
  showReport(report);
  setBusy(false);
  progress.set('idle', '', 1);
  showCrashed(result.crashed);
  // Bring the results into view, unless the user is busy elsewhere (typing,
  // or reading another page of the site).
  const active = document.activeElement;
  const typing = active && (active.tagName === 'INPUT' || active.tagName === 'SELECT' || active.tagName === 'TEXTAREA');
  if (!$('#view-audit').hidden && !typing) {
    const headline = $('#headline');
    headline.setAttribute('tabindex', '-1');
    headline.focus({ preventScroll: true });
    $('#files').scrollIntoView({ block: 'start' });
  }
}

/** Names, in the alert region, the files the audit worker died on (it was restarted for the others). */
function showCrashed(crashed) {
  const box = $('#fatal');
  box.hidden = crashed.length === 0;
  if (box.hidden) return;
  const names = crashed.map((c, i) => [i ? ', ' : '', h('span', { class: 'name' }, c.name)]);
  clear(box).appendChild(h('p', null, h('strong', null, 'Keyhole stopped while checking ', names, '. '),
    'It restarted and checked your other files. ', crashed.length === 1 ? 'This file was' : 'These files were',
    ' not checked: ', crashed.map((c) => c.message).join(' ')));
}

function restoreFiles(files) {
  if (!files) return;
  const byName = new Map(files.map((f) => [f.name, f.buffer]));
  for (const f of state.files) {
    const buffer = byName.get(f.name);
    if (buffer) f.bytes = new Uint8Array(buffer);
  }
}

function loadDemo() {
  if (state.busy) return;
  const block = document.getElementById('keyhole-demo');
  const bin = atob(block.textContent.replace(/\s+/g, ''));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  state.files = [{ name: block.dataset.name, size: bytes.length, bytes, input: null, normalized: null }];
  state.demo = true;
  runAudit();
}

function clearAll() {
  state.files = [];
  state.report = null;
  state.demo = false;
  $('#results').hidden = true;
  $('#files').hidden = true;
  $('#fatal').hidden = true;
  renderFiles();
  $('#choose').focus();
}

async function removeFile(name) {
  state.files = state.files.filter((f) => f.name !== name);
  if (state.files.length === 0) clearAll();
  else await runAudit();
}

// ---------------------------------------------------------------- files

function renderFiles() {
  const compact = state.files.length > 0;
  $('#dropzone').classList.toggle('compact', compact);
  $('.drop-title').textContent = !compact ? 'Drop your exported files here' : state.demo ? 'Check your own files' : 'Add more files';
  $('#choose').textContent = compact && !state.demo ? 'Add files…' : 'Choose files…';
  const list = clear($('#file-list'));
  $('#files').hidden = state.files.length === 0;
  $('#files-title').textContent = state.demo ? 'Demo export' : state.files.length === 1 ? 'Your file' : 'Your files';
  for (const f of state.files) {
    const input = f.input;
    let status;
    let cls = 'file';
    if (!input) {
      status = [h('p', { class: 'file-status muted' }, state.busy ? 'Checking…' : 'Waiting')];
    } else if (input.error) {
      cls += ' file-error';
      status = [h('p', { class: 'file-status error-text' }, icon('alert'), 'Could not be read: ', input.error)];
    } else {
      status = [h('p', { class: 'file-status' }, icon('check', 'ok-icon'), formatLabel(input.format), ' · ', plural(input.resources, 'resource'),
        ' checked', h('span', { class: 'format-id' }, input.format))];
    }
    const extras = [];
    if (input && input.notes && input.notes.length) {
      extras.push(h('ul', { class: 'file-notes' }, input.notes.map((n) => h('li', null, icon('info'), n))));
    }
    if (input && input.skipped && input.skipped.length) {
      extras.push(h('details', { class: 'skipped' },
        h('summary', null, plural(input.skipped.length, 'item') + ' not checked'),
        h('ul', null, input.skipped.slice(0, 200).map((s) => h('li', null, h('code', null, s.pointer), ' ', s.reason))),
        input.skipped.length > 200 ? h('p', { class: 'muted' }, '… and ' + (input.skipped.length - 200) + ' more (see the JSON report)') : null));
    }
    list.appendChild(h('li', { class: cls, dataset: { file: f.name } },
      icon('file', 'file-icon'),
      h('div', { class: 'file-body' },
        h('p', { class: 'file-name' }, h('span', { class: 'name' }, f.name), h('span', { class: 'muted size' }, formatBytes(f.size))),
        status, extras),
      state.demo ? null : h('button', { type: 'button', class: 'button button-quiet button-icon file-remove', 'aria-label': 'Remove ' + f.name, disabled: state.busy, onclick: () => removeFile(f.name) }, icon('x'))));
  }
}

// ---------------------------------------------------------------- report

function showReport(report) {
  state.report = report;
  state.groupLimit = GROUP_PAGE;
  for (const f of state.files) f.input = report.inputs.find((i) => i.file === f.name) || null;
  renderFiles();
  $('#results').hidden = false;

  // Headline
  const total = report.findings.length;
  const resources = report.inputs.reduce((sum, i) => sum + i.resources, 0);
  const unreadable = report.inputs.filter((i) => i.error).length;
  const headline = clear($('#headline'));
  const worst = SEVERITIES.find((s) => report.summary[s] > 0);
  headline.dataset.worst = worst || 'none';
  if (total === 0 && unreadable) {
    // Never "no problems" alone when a file was not understood.
    headline.appendChild(h('p', { class: 'headline-text' }, icon('alert'),
      plural(unreadable, 'file') + ' could not be checked' + (resources ? '; no problems found in ' + plural(resources, 'resource') + ' from the others' : '') + '.'));
  } else if (total === 0) {
    headline.appendChild(h('p', { class: 'headline-text' }, icon('check', 'ok-icon'),
      'No problems found in ' + plural(resources, 'resource') + '.'));
  } else {
    headline.appendChild(h('p', { class: 'headline-text' },
      plural(total, 'finding') + ' in ' + plural(resources, 'resource') + ' from ' + plural(report.inputs.length, 'file') + '.'));
  }
  const sub = [];
  if (report.summary.critical) sub.push('Start with the critical ones: they are open to anyone on the internet, or nearly.');
  if (unreadable) sub.push(plural(unreadable, 'file') + ' could not be read; see the list above.');
  if (report.unchecked.length) sub.push('Some parts could not be checked; see below.');
  if (sub.length) headline.appendChild(h('p', { class: 'muted' }, sub.join(' ')));

  // Summary tiles
  const summary = clear($('#summary'));
  for (const sev of SEVERITIES) {
    const n = report.summary[sev] || 0;
    summary.appendChild(h('li', null, h('button', {
      type: 'button', class: 'tile sev-' + sev + (n ? '' : ' tile-zero'), dataset: { severity: sev },
      disabled: n === 0,
      onclick: () => onlySeverity(sev),
    }, h('span', { class: 'tile-count' }, n.toLocaleString('en')), h('span', { class: 'tile-label' }, SEVERITY_LABEL[sev]),
      h('span', { class: 'tile-hint' }, SEVERITY_HINT[sev]),
      n ? h('span', { class: 'visually-hidden' }, ': show only these') : null)));
  }

  renderUnchecked(report);
  buildFilters(report);
  renderFindings();
}

function renderUnchecked(report) {
  const section = $('#unchecked');
  const list = clear($('#unchecked-list'));
  section.hidden = report.unchecked.length === 0;
  for (const u of report.unchecked) {
    const where = [u.account && 'account ' + u.account, u.region && 'region ' + u.region, u.file && 'file ' + u.file].filter(Boolean).join(' · ');
    list.appendChild(h('li', { class: 'unchecked-item' },
      h('p', null, h('strong', null, u.what), where ? h('span', { class: 'muted' }, ' · ', where) : null),
      h('p', null, u.reason),
      u.command ? h('div', { class: 'command' }, h('span', { class: 'muted' }, 'To include it, run this and drop the output here:'), codeBlock(u.command, 'Command')) : null));
  }
}

function buildFilters(report) {
  const f = state.filters;
  const chips = clear($('#severity-filters'));
  for (const sev of SEVERITIES) {
    const id = 'sev-' + sev;
    chips.appendChild(h('span', { class: 'chip sev-' + sev },
      h('input', { type: 'checkbox', id, value: sev, checked: f.severities.has(sev),
        onchange: (e) => {
          if (e.target.checked) f.severities.add(sev);
          else f.severities.delete(sev);
          resetAndRender();
        } }),
      h('label', { for: id }, SEVERITY_LABEL[sev], h('span', { class: 'chip-count' }, String(report.summary[sev] || 0)))));
  }
  const providers = [...new Set(report.findings.map((x) => x.resource.provider))].sort();
  const providerSelect = clear($('#provider-filter'));
  providerSelect.appendChild(h('option', { value: '' }, 'All providers'));
  for (const p of providers) providerSelect.appendChild(h('option', { value: p }, providerLabel(p)));
  if (!providers.includes(f.provider)) f.provider = '';
  providerSelect.value = f.provider;

  const counts = new Map();
  for (const x of report.findings) counts.set(x.rule, (counts.get(x.rule) || 0) + 1);
  const ruleSelect = clear($('#rule-filter'));
  ruleSelect.appendChild(h('option', { value: '' }, 'All rules'));
  for (const [rule, n] of [...counts].sort((a, b) => a[0].localeCompare(b[0]))) {
    ruleSelect.appendChild(h('option', { value: rule }, rule + ' (' + n + ')'));
  }
  if (!counts.has(f.rule)) f.rule = '';
  ruleSelect.value = f.rule;
  $('#search').value = f.text;
  $('#group-by').value = state.groupBy;
}

function onlySeverity(sev) {
  state.filters.severities = new Set([sev]);
  for (const box of document.querySelectorAll('#severity-filters input')) box.checked = box.value === sev;
  resetAndRender();
  $('#findings-title').scrollIntoView({ block: 'start' });
}

function resetAndRender() {
  state.groupLimit = GROUP_PAGE;
  renderFindings();
}

function matches(finding, needle) {
  if (!needle) return true;
  const r = finding.resource;
  const hay = [finding.rule, finding.title, finding.message, r.name, r.id, r.type, r.account, r.region, r.provider,
    finding.severity, finding.verdict, ...(finding.sensitive || []), ...(finding.notes || [])].join('\n').toLowerCase();
  return needle.split(/\s+/).every((word) => hay.includes(word));
}

function filtered() {
  const f = state.filters;
  const needle = f.text.trim().toLowerCase();
  return state.report.findings.filter((x) => f.severities.has(x.severity)
    && (!f.provider || x.resource.provider === f.provider)
    && (!f.rule || x.rule === f.rule)
    && matches(x, needle));
}

function groupFindings(findings) {
  const groups = new Map();
  for (const x of findings) {
    const key = state.groupBy === 'rule' ? x.rule : x.resource.provider + '\u0000' + x.resource.type + '\u0000' + x.resource.id;
    let g = groups.get(key);
    if (!g) {
      g = { key, findings: [], worst: 4 };
      groups.set(key, g);
    }
    g.findings.push(x);
    g.worst = Math.min(g.worst, SEVERITIES.indexOf(x.severity));
  }
  return [...groups.values()].sort((a, b) => a.worst - b.worst || b.findings.length - a.findings.length
    || groupTitle(a).localeCompare(groupTitle(b)));
}

function groupTitle(g) {
  const x = g.findings[0];
  return state.groupBy === 'rule' ? x.title : x.resource.name || x.resource.id;
}

function renderFindings() {
  const report = state.report;
  if (!report) return;
  const list = filtered();
  const groups = groupFindings(list);
  const showing = $('#showing');
  showing.textContent = list.length === report.findings.length
    ? 'Showing all ' + plural(list.length, 'finding') + ', in ' + plural(groups.length, state.groupBy === 'rule' ? 'problem' : 'resource') + '.'
    : 'Showing ' + list.length.toLocaleString('en') + ' of ' + plural(report.findings.length, 'finding') + '.';
  const container = clear($('#groups'));
  if (report.findings.length === 0) {
    container.appendChild(h('div', { class: 'empty' }, icon('check', 'ok-icon'),
      h('p', null, 'Nothing in these files is open to the internet, as far as Keyhole can tell.'),
      report.unchecked.length ? h('p', { class: 'muted' }, 'Check the list of what could not be checked above.') : null));
    return;
  }
  if (list.length === 0) {
    container.appendChild(h('div', { class: 'empty' }, h('p', null, 'No findings match these filters.'),
      h('button', { type: 'button', class: 'button', onclick: resetFilters }, 'Clear the filters')));
    return;
  }
  for (const g of groups.slice(0, state.groupLimit)) container.appendChild(renderGroup(g));
  if (groups.length > state.groupLimit) {
    const rest = groups.length - state.groupLimit;
    container.appendChild(h('button', { type: 'button', class: 'button more', onclick: () => {
      state.groupLimit += GROUP_PAGE * 4;
      renderFindings();
    } }, 'Show ' + Math.min(rest, GROUP_PAGE * 4) + ' more of ' + rest));
  }
}

function resetFilters() {
  state.filters = { severities: new Set(SEVERITIES), provider: '', rule: '', text: '' };
  buildFilters(state.report);
  resetAndRender();
}

function severityBadge(sev) {
  return h('span', { class: 'badge sev-' + sev }, SEVERITY_LABEL[sev] || sev);
}

function renderGroup(g) {
  const first = g.findings[0];
  const byRule = state.groupBy === 'rule';
  const rule = state.rules.get(first.rule);
  const worst = SEVERITIES[g.worst];
  const header = byRule
    ? h('div', { class: 'group-head' },
      severityBadge(worst),
      h('h3', null, first.title),
      h('span', { class: 'count' }, plural(g.findings.length, 'resource')),
      h('p', { class: 'group-meta' }, h('span', { class: 'verdict verdict-' + first.verdict }, VERDICT_LABEL[first.verdict] || first.verdict),
        h('code', { class: 'rule-id' }, first.rule)),
      rule ? h('p', { class: 'group-why' }, firstSentence(rule.why)) : null)
    : h('div', { class: 'group-head' },
      severityBadge(worst),
      h('h3', null, first.resource.name || first.resource.id),
      h('span', { class: 'count' }, plural(g.findings.length, 'problem')),
      h('p', { class: 'group-meta' }, resourceWhere(first.resource)));
  const items = h('ul', { class: 'finding-list' });
  const group = h('article', { class: 'group sev-' + worst, dataset: { group: g.key } }, header, items);
  let shown = 0;
  const more = h('button', { type: 'button', class: 'button button-quiet more-findings' });
  const showMore = (n) => {
    for (const x of g.findings.slice(shown, shown + n)) items.appendChild(renderFindingRow(x, byRule));
    shown = Math.min(g.findings.length, shown + n);
    const rest = g.findings.length - shown;
    more.hidden = rest === 0;
    more.textContent = rest > 50 ? 'Show 50 more of ' + rest.toLocaleString('en') : 'Show ' + rest + ' more';
  };
  more.addEventListener('click', () => showMore(50));
  showMore(FINDING_PAGE);
  group.appendChild(more);
  return group;
}

function resourceWhere(r) {
  return [providerLabel(r.provider), r.type, r.account && 'account ' + r.account, r.region].filter(Boolean).join(' · ');
}

let detailSeq = 0;

function renderFindingRow(x, byRule) {
  const id = 'finding-detail-' + ++detailSeq;
  const detail = h('div', { class: 'finding-detail', id, hidden: true });
  const toggle = h('button', { type: 'button', class: 'finding-toggle', 'aria-expanded': 'false', 'aria-controls': id },
    icon('chevron', 'chevron'),
    h('span', { class: 'finding-main' },
      byRule
        ? [h('span', { class: 'finding-name' }, x.resource.name || x.resource.id), h('span', { class: 'finding-where muted' }, resourceWhere(x.resource))]
        : [h('span', { class: 'finding-name' }, x.title), h('span', { class: 'finding-where muted' }, x.rule)],
      h('span', { class: 'finding-message' }, x.message)),
    byRule ? null : severityBadge(x.severity),
    x.sensitive && x.sensitive.length ? h('span', { class: 'sensitive-tag' }, 'May hold personal data') : null);
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') === 'true';
    toggle.setAttribute('aria-expanded', String(!open));
    detail.hidden = open;
    if (!open && !detail.firstChild) renderDetail(detail, x);
  });
  return h('li', { class: 'finding sev-' + x.severity, dataset: { rule: x.rule } }, toggle, detail);
}

function renderDetail(container, x) {
  const r = x.resource;
  const rule = state.rules.get(x.rule);
  const facts = h('dl', { class: 'facts' },
    h('div', null, h('dt', null, 'Resource'), h('dd', null, r.name || '—')),
    h('div', null, h('dt', null, 'Type'), h('dd', null, r.type)),
    h('div', null, h('dt', null, 'ID'), h('dd', { class: 'mono' }, r.id)),
    r.account ? h('div', null, h('dt', null, 'Account'), h('dd', { class: 'mono' }, r.account)) : null,
    r.region ? h('div', null, h('dt', null, 'Region'), h('dd', null, r.region)) : null,
    h('div', null, h('dt', null, 'Severity'), h('dd', null, severityBadge(x.severity), ' ', VERDICT_LABEL[x.verdict] || x.verdict)),
    h('div', null, h('dt', null, 'Rule'), h('dd', null, h('a', { href: '#/rules/' + encodeURIComponent(x.rule), class: 'mono' }, x.rule))));
  container.appendChild(h('p', { class: 'detail-message' }, x.message));
  if (x.sensitive && x.sensitive.length) {
    container.appendChild(h('div', { class: 'callout callout-sensitive' }, icon('eye'),
      h('p', null, h('strong', null, 'This may hold personal or business data. '),
        'Its name or tags contain ', x.sensitive.map((w, i) => [i ? ', ' : '', h('q', null, w)]),
        ', so treat it as more urgent than its severity alone suggests.')));
  }
  if (x.notes && x.notes.length) {
    container.appendChild(h('div', { class: 'callout callout-note' }, icon('info'),
      h('div', null, h('p', null, h('strong', null, 'Good to know')), h('ul', null, x.notes.map((n) => h('li', null, n))))));
  }
  container.appendChild(facts);

  const evidence = h('section', { class: 'evidence', 'aria-label': 'Evidence' }, h('h4', null, 'Evidence from your file'));
  container.appendChild(evidence);
  for (const e of x.evidence) evidence.appendChild(renderEvidence(e));

  if (rule) {
    container.appendChild(h('section', { class: 'explain' },
      h('h4', null, 'What Keyhole checks'), prose(rule.what),
      h('h4', null, 'Why it matters'), prose(rule.why)));
    container.appendChild(renderFix(rule, x.remediation));
  } else if (x.remediation) {
    container.appendChild(h('section', { class: 'fix' }, h('h4', null, 'How to fix it'), prose(x.remediation)));
  }
}

function renderFix(rule, remediation) {
  const section = h('section', { class: 'fix' }, h('h4', null, 'How to fix it'));
  if (remediation || rule.remediation) section.appendChild(h('p', { class: 'fix-summary' }, remediation || rule.remediation));
  const fix = rule.fix || {};
  if (fix.console) section.appendChild(h('div', { class: 'fix-way' }, h('h5', null, 'In the console'), prose(fix.console)));
  if (fix.cli) section.appendChild(h('div', { class: 'fix-way' }, h('h5', null, 'With the command line'), codeBlock(fix.cli, 'Shell')));
  if (fix.terraform) section.appendChild(h('div', { class: 'fix-way' }, h('h5', null, 'With Terraform'), codeBlock(fix.terraform, 'Terraform')));
  return section;
}

function codeBlock(text, what) {
  const copy = h('button', { type: 'button', class: 'button button-small button-quiet copy', 'aria-label': 'Copy ' + what.toLowerCase() }, icon('copy'), 'Copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      copy.lastChild.textContent = 'Copied';
    } catch (e) {
      copy.lastChild.textContent = 'Select and copy';
    }
    setTimeout(() => { copy.lastChild.textContent = 'Copy'; }, 2000);
  });
  return h('div', { class: 'code-wrap' }, h('div', { class: 'code-bar' }, h('span', null, what), copy),
    h('pre', { class: 'code', tabindex: '0', 'aria-label': what }, h('code', null, text.trim())));
}

function fileBytes(name) {
  const f = state.files.find((x) => x.name === name);
  if (!f || !f.bytes) return null;
  if (!f.normalized) f.normalized = normalizeBytes(f.bytes);
  return f.normalized;
}

function renderEvidence(e) {
  const fig = h('figure', { class: 'excerpt' });
  const caption = h('figcaption', null, h('span', { class: 'excerpt-note' }, e.note), h('span', { class: 'excerpt-where muted' }, e.file));
  fig.appendChild(caption);
  const body = h('div', { class: 'excerpt-body' }, h('p', { class: 'muted' }, 'Finding the place in your file…'));
  fig.appendChild(body);
  const pointerLine = h('p', { class: 'pointer muted' }, 'JSON pointer: ', h('code', null, e.pointer + (e.inner ? ' → ' + e.inner : '')));
  fig.appendChild(pointerLine);
  const pending = fileBytes(e.file);
  if (!pending) {
    clear(body).appendChild(h('p', { class: 'muted' }, 'The file is not loaded in this page.'));
    return fig;
  }
  pending.then((bytes) => {
    // Only text formats other than JSON (YAML templates) are placed by line and column.
    const ex = typeof e.line === 'number'
      ? lineExcerpt(bytes, e.line, e.column || 1)
      : evidenceExcerpt(bytes, e.pointer, e.inner);
    const where = ex.contextPath.length ? ex.contextPath.join(' › ') + ' · ' : '';
    caption.lastChild.textContent = e.file + ' · ' + where + 'line ' + ex.line.toLocaleString('en') + (ex.column > 1 ? ', column ' + ex.column.toLocaleString('en') : '');
    clear(body).appendChild(jsonBlock(ex.segments, 'Excerpt of ' + e.file));
    if (ex.inner) {
      body.appendChild(h('p', { class: 'muted inner-label' }, ex.urlEncoded
        ? 'The highlighted value is URL-encoded JSON text. Here it is decoded:'
        : 'The highlighted value is JSON written as text. Here it is decoded:'));
      body.appendChild(jsonBlock(ex.inner.segments, 'Decoded value'));
    }
  }).catch((err) => {
    clear(body).appendChild(h('p', { class: 'error-text' }, 'Could not show this place in the file: ' + err.message));
  });
  return fig;
}

// Renders excerpt segments line by line. Lines holding the blamed value are
// highlighted as a whole; the value itself is wrapped in <mark>.
function jsonBlock(segments, label) {
  const code = h('code');
  let line = null;
  let mark = null;
  const newLine = () => {
    line = h('span', { class: 'line' });
    code.appendChild(line);
    mark = null;
  };
  newLine();
  for (const s of segments) {
    const parts = s.text.split('\n');
    parts.forEach((part, i) => {
      if (i > 0) newLine();
      if (!part) return;
      const node = s.cls ? h('span', { class: 'j-' + s.cls }, part) : document.createTextNode(part);
      if (s.mark) {
        line.classList.add('hl');
        if (!mark) {
          mark = h('mark', { class: 'blamed' });
          line.appendChild(mark);
        }
        mark.appendChild(node);
      } else {
        mark = null;
        line.appendChild(node);
      }
    });
  }
  return h('pre', { class: 'json', tabindex: '0', 'aria-label': label }, code);
}

// ---------------------------------------------------------------- downloads

const DOWNLOAD = {
  json: { ext: 'json', type: 'application/json' },
  sarif: { ext: 'sarif', type: 'application/sarif+json' },
  csv: { ext: 'csv', type: 'text/csv' },
};

async function download(format, button) {
  if (!state.report) return;
  button.disabled = true;
  try {
    const text = await worker.render(format);
    const url = URL.createObjectURL(new Blob([text], { type: DOWNLOAD[format].type }));
    const a = h('a', { href: url, download: 'keyhole-report.' + DOWNLOAD[format].ext, hidden: true });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  } catch (err) {
    $('#showing').textContent = 'Could not make the ' + format.toUpperCase() + ' report: ' + err.message;
  } finally {
    button.disabled = state.busy;
  }
}

// ---------------------------------------------------------------- rules page

function renderRules() {
  const rules = [...state.rules.values()];
  const providers = [...new Set(rules.map((r) => r.provider))].sort();
  const select = $('#rule-provider');
  for (const p of providers) select.appendChild(h('option', { value: p }, providerLabel(p)));
  const list = clear($('#rule-list'));
  for (const r of rules) {
    list.appendChild(h('article', { class: 'rule-card sev-' + r.severity, id: 'rule-' + r.id, dataset: { rule: r.id, provider: r.provider } },
      h('div', { class: 'group-head' }, severityBadge(r.severity), h('h2', null, r.title),
        h('p', { class: 'group-meta' }, h('code', { class: 'rule-id' }, r.id), h('span', { class: 'verdict verdict-' + r.verdict }, VERDICT_LABEL[r.verdict] || r.verdict),
          h('span', { class: 'muted' }, providerLabel(r.provider) + ' · ' + r.resource_types.join(', '))),
        h('p', { class: 'group-why' }, firstSentence(r.why))),
      h('details', { class: 'rule-body' }, h('summary', null, 'What it checks, why it matters, how to fix it'),
        h('h3', null, 'What it checks'), prose(r.what),
        h('h3', null, 'Why it matters'), prose(r.why),
        renderFix(r, r.remediation),
        r.equivalents && r.equivalents.length ? [h('h3', null, 'The same check in other tools'),
          h('ul', null, r.equivalents.map((e) => h('li', null, e.tool + ' ', h('code', null, e.id), e.same ? ' (same logic)' : ' (related)')))] : null,
        r.references && r.references.length ? [h('h3', null, 'References'),
          h('ul', { class: 'refs' }, r.references.map((u) => h('li', null, /^https:\/\//.test(u) ? h('a', { href: u, rel: 'noopener noreferrer', target: '_blank' }, u) : u)))] : null)));
  }
  filterRules();
}

function filterRules() {
  const needle = $('#rule-search').value.trim().toLowerCase();
  const provider = $('#rule-provider').value;
  let shown = 0;
  for (const card of document.querySelectorAll('.rule-card')) {
    const r = state.rules.get(card.dataset.rule);
    const hay = [r.id, r.title, r.service, r.what, r.why, ...r.resource_types].join('\n').toLowerCase();
    const ok = (!provider || r.provider === provider) && needle.split(/\s+/).every((w) => hay.includes(w));
    card.hidden = !ok;
    if (ok) shown++;
  }
  $('#rules-showing').textContent = shown === state.rules.size ? plural(shown, 'rule') + '.' : 'Showing ' + shown + ' of ' + plural(state.rules.size, 'rule') + '.';
}

// ---------------------------------------------------------------- wiring

function wire() {
  const input = $('#file-input');
  $('#choose').addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    const files = input.files;
    addFiles(files).finally(() => { input.value = ''; });
  });
  $('#demo').addEventListener('click', loadDemo);
  $('#clear').addEventListener('click', clearAll);

  // Drop anywhere on the page. Dropping outside would otherwise make the
  // browser open the file in this tab.
  const zone = $('#dropzone');
  let depth = 0;
  const hasFiles = (e) => e.dataTransfer && Array.from(e.dataTransfer.types || []).includes('Files');
  window.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth++;
    document.body.classList.add('dragging');
  });
  window.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) document.body.classList.remove('dragging');
  });
  window.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = state.busy ? 'none' : 'copy';
  });
  window.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    document.body.classList.remove('dragging');
    if (location.hash.startsWith('#/rules') || location.hash.startsWith('#/privacy')) location.hash = '#/';
    addFiles(e.dataTransfer.files);
  });
  zone.addEventListener('click', (e) => {
    if (e.target === zone && !state.busy) input.click();
  });

  $('#filters').addEventListener('submit', (e) => e.preventDefault());
  let searchTimer = 0;
  $('#search').addEventListener('input', (e) => {
    state.filters.text = e.target.value;
    clearTimeout(searchTimer);
    searchTimer = setTimeout(resetAndRender, 120);
  });
  $('#provider-filter').addEventListener('change', (e) => {
    state.filters.provider = e.target.value;
    resetAndRender();
  });
  $('#rule-filter').addEventListener('change', (e) => {
    state.filters.rule = e.target.value;
    resetAndRender();
  });
  $('#group-by').addEventListener('change', (e) => {
    state.groupBy = e.target.value;
    resetAndRender();
  });
  for (const button of document.querySelectorAll('#downloads button')) {
    button.addEventListener('click', () => download(button.dataset.format, button));
  }
  $('#rule-filters').addEventListener('submit', (e) => e.preventDefault());
  $('#rule-search').addEventListener('input', filterRules);
  $('#rule-provider').addEventListener('change', filterRules);
}

async function boot() {
  route();
  wire();
  renderExportGuide();
  document.documentElement.dataset.build = SINGLE_FILE ? 'single' : 'site';
  try {
    const { version, rules } = await worker.start();
    state.version = version;
    for (const r of rules) state.rules.set(r.id, r);
    $('#version').textContent = version;
    $('#rules-version').textContent = 'Keyhole ' + version + ', ' + plural(rules.length, 'rule') + '.';
    renderRules();
    if (route() === 'rules') openLinkedRule();
    document.documentElement.dataset.ready = 'true';
  } catch (err) {
    showFatal(location.protocol === 'file:' && !SINGLE_FILE
      ? 'This copy of the page needs a web server. To use Keyhole from your disk, open keyhole.html (the single-file version) instead, or run: node scripts/serve.mjs'
      : err.message + ' This page needs a current browser with WebAssembly.');
    document.documentElement.dataset.ready = 'error';
  }
}

boot();
