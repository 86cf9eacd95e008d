// The audit worker. The build puts a prelude in front of this file that
// defines `init` (the wasm-bindgen initialiser) and `api` (the exports):
//   served site: a module worker, `import init, * as api from './keyhole.js'`
//   single file: a classic blob: worker with the `--target no-modules` glue.
// The worker lives as long as the page, so no request is made after load.

let lastReport = null; // the last audit's report as JSON text, for downloads

function failure(err) {
  // A panic traps (RuntimeError: unreachable); the panic hook left its message.
  // Running out of memory aborts, which traps too. A stack overflow in wasm is
  // a RangeError. After any of these the wasm instance is not safe to use
  // again: `fatal` tells the page to start a fresh worker.
  const panic = self.__keyholePanic;
  self.__keyholePanic = undefined;
  const message = panic || (err && err.message) || String(err);
  const trapped = (typeof WebAssembly !== 'undefined' && err instanceof WebAssembly.RuntimeError) || err instanceof RangeError;
  return { message, fatal: Boolean(panic) || trapped };
}

/**
 * Files the page found this worker's predecessors dying on are listed in the
 * report as unreadable inputs, at their place in the upload, so that the
 * page and every downloaded report say they were not checked.
 */
function withCrashed(json, crashed) {
  if (!crashed || crashed.length === 0) return json;
  const report = JSON.parse(json);
  for (const c of [...crashed].sort((a, b) => a.index - b.index)) {
    report.inputs.splice(c.index, 0, { file: c.name, format: null, resources: 0, skipped: [], error: c.error });
  }
  return JSON.stringify(report);
}

self.onmessage = async (event) => {
  const msg = event.data;
  if (msg.type === 'init') {
    try {
      await init(msg.wasm ? { module_or_path: msg.wasm } : undefined);
      self.postMessage({ type: 'ready', version: api.version(), rules: api.rules() });
    } catch (err) {
      self.postMessage({ type: 'fatal', message: failure(err).message });
    }
  } else if (msg.type === 'audit') {
    const buffers = msg.files.map((f) => f.buffer);
    try {
      self.postMessage({ type: 'phase', id: msg.id, phase: 'auditing' });
      const files = msg.files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.buffer) }));
      const started = performance.now();
      const json = withCrashed(api.auditJson(files), msg.crashed);
      const elapsed = performance.now() - started;
      lastReport = json;
      // The bytes were copied into wasm memory: hand the buffers back, so the
      // page can show excerpts of the user's files.
      self.postMessage({ type: 'result', id: msg.id, json, elapsed, files: msg.files }, buffers);
    } catch (err) {
      self.postMessage(Object.assign({ type: 'error', id: msg.id, files: msg.files }, failure(err)), buffers);
    }
  } else if (msg.type === 'render') {
    try {
      if (lastReport === null) throw new Error('there is no report yet');
      const text = api.renderJson(lastReport, msg.format);
      self.postMessage({ type: 'rendered', id: msg.id, text });
    } catch (err) {
      self.postMessage(Object.assign({ type: 'error', id: msg.id }, failure(err)));
    }
  }
};
