// Starting the audit worker under Trusted Types, and talking to it.
//
// The Trusted Types policy `keyhole` is the only one the CSP allows. It
// creates script URLs, and only the one worker URL: the served site's
// worker.js, or in the single file a blob: URL made from the page's own
// <script type="text/plain" id="keyhole-worker"> block. It creates no HTML.

let allowedWorkerUrl = null;
const ttPolicy = window.trustedTypes
  ? window.trustedTypes.createPolicy('keyhole', {
      createScriptURL(url) {
        if (url === allowedWorkerUrl) return url;
        throw new TypeError('Keyhole refuses to load script from ' + url);
      },
    })
  : { createScriptURL: (url) => url };

const SINGLE_FILE = document.getElementById('keyhole-worker') !== null;

function base64Bytes(text) {
  const bin = atob(text.replace(/\s+/g, ''));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

class AuditWorker {
  constructor() {
    this.pending = new Map();
    this.nextId = 1;
    this.worker = null;
    this.ready = null;
    this.wasmBytes = null;
  }

  /** Starts the worker (again, after a crash); resolves with { version, rules }. */
  start() {
    if (this.ready) return this.ready;
    let worker;
    if (SINGLE_FILE) {
      if (!this.wasmBytes) this.wasmBytes = base64Bytes(document.getElementById('keyhole-wasm').textContent);
      const source = document.getElementById('keyhole-worker').textContent;
      allowedWorkerUrl = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      worker = new Worker(ttPolicy.createScriptURL(allowedWorkerUrl), { name: 'keyhole-audit' });
    } else {
      allowedWorkerUrl = new URL('worker.js', document.baseURI).href;
      worker = new Worker(ttPolicy.createScriptURL(allowedWorkerUrl), { type: 'module', name: 'keyhole-audit' });
    }
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      this.onReady = resolve;
      this.onFatal = reject;
    });
    worker.onmessage = (event) => this.receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.crash(event.message || 'the audit worker stopped');
    };
    const init = { type: 'init' };
    if (this.wasmBytes) init.wasm = this.wasmBytes.slice().buffer;
    worker.postMessage(init, init.wasm ? [init.wasm] : []);
    return this.ready;
  }

  crash(message) {
    const error = new Error(message);
    error.fatal = true; // no `files`: what was sent to the dead worker is lost
    if (this.onFatal) this.onFatal(error);
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
    this.retire();
  }

  /** Ends the worker; the next call starts a fresh one (a new wasm instance). */
  retire() {
    if (this.worker) this.worker.terminate();
    // The single file's blob: URL is not needed once its worker is gone.
    if (SINGLE_FILE && allowedWorkerUrl) URL.revokeObjectURL(allowedWorkerUrl);
    this.worker = null;
    this.ready = null;
  }

  receive(msg) {
    if (msg.type === 'ready') {
      this.onReady({ version: msg.version, rules: msg.rules });
      return;
    }
    if (msg.type === 'fatal') {
      this.crash(msg.message);
      return;
    }
    const job = this.pending.get(msg.id);
    if (!job) return;
    if (msg.type === 'phase') {
      if (job.onPhase) job.onPhase(msg.phase);
      return;
    }
    this.pending.delete(msg.id);
    if (msg.type === 'error') {
      const error = new Error(msg.message);
      error.files = msg.files;
      error.fatal = Boolean(msg.fatal);
      job.reject(error);
      if (msg.fatal) {
        // The wasm instance is not usable after a panic: start a fresh one.
        this.retire();
      }
    } else {
      job.resolve(msg);
    }
  }

  async call(message, transfer, onPhase) {
    await this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onPhase });
      this.worker.postMessage(Object.assign({ id }, message), transfer || []);
    });
  }

  /** files: [{ name, buffer: ArrayBuffer }] (transferred, and handed back in the result). */
  audit(files, onPhase) {
    return this.call({ type: 'audit', files }, files.map((f) => f.buffer), onPhase);
  }

  /**
   * Audits the files, and survives a file that kills the worker (a panic, a
   * wasm trap, running out of memory): the dead worker is replaced, each
   * file is audited alone to find the one(s) it dies on, and the others are
   * audited together, with the culprits listed as unreadable inputs. Resolves
   * like audit(), plus `crashed`: [{ name, message }]. Rejects, with the
   * files handed back where the worker could, when that is not possible:
   * the worker vanished with the files, or it dies only on the files together.
   * onStatus(text) hears what is going on.
   */
  async auditIsolating(files, onStatus) {
    try {
      return Object.assign(await this.audit(files), { crashed: [] });
    } catch (err) {
      if (!err.fatal || !err.files) throw err;
      const returned = new Map(err.files.map((f) => [f.name, f.buffer]));
      const pool = files.map((f, index) => ({ index, name: f.name, buffer: returned.get(f.name) }));
      const crashed = [];
      if (pool.length === 1) {
        crashed.push({ index: 0, name: pool[0].name, message: err.message });
      } else {
        for (const f of pool) {
          if (onStatus) onStatus('Keyhole stopped on one of your files and restarted. Checking ' + f.name + ' on its own…');
          try {
            const alone = await this.audit([{ name: f.name, buffer: f.buffer }]);
            f.buffer = alone.files[0].buffer;
          } catch (e) {
            if (!e.fatal || !e.files) throw e;
            f.buffer = e.files[0].buffer;
            crashed.push({ index: f.index, name: f.name, message: e.message });
          }
        }
      }
      if (crashed.length === 0) {
        err.files = pool.map((f) => ({ name: f.name, buffer: f.buffer }));
        throw err;
      }
      const bad = new Set(crashed.map((c) => c.index));
      const rest = pool.filter((f) => !bad.has(f.index)).map((f) => ({ name: f.name, buffer: f.buffer }));
      const notes = crashed.map((c) => ({
        index: c.index,
        name: c.name,
        error: 'Keyhole stopped while checking this file, so nothing in it was checked (' + c.message + ').',
      }));
      if (onStatus) onStatus('Checking the other files…');
      const result = await this.call({ type: 'audit', files: rest, crashed: notes }, rest.map((f) => f.buffer));
      // The crashed files' bytes stay with the page, for a later try.
      result.files = result.files.concat(pool.filter((f) => bad.has(f.index)).map((f) => ({ name: f.name, buffer: f.buffer })));
      result.crashed = crashed.map(({ name, message }) => ({ name, message }));
      return result;
    }
  }

  render(format) {
    return this.call({ type: 'render', format }).then((msg) => msg.text);
  }
}
