// The public API, wrapped around the wasm-bindgen glue (wasm/keyhole.js).
// Shared by every entry point: index.js (browsers and bundlers) and node.js
// (Node). No rule logic lives here: the audit, the report and its renderings
// all come from the Rust core; this file only checks arguments, turns a
// WebAssembly trap into an Error, and adds `exitCode`.

/** The severities, worst first (as in the report and the CLI's --fail-on). */
export const SEVERITIES = Object.freeze(['critical', 'high', 'medium', 'low', 'info']);
const FAIL_ON = [...SEVERITIES, 'never'];
const OPTION_KEYS = ['sensitiveWords'];

function isTrap(err) {
  return (
    (typeof WebAssembly !== 'undefined' && err instanceof WebAssembly.RuntimeError) ||
    // A stack overflow inside the module leaves its shadow stack behind.
    (err instanceof RangeError && /call stack/i.test(err.message))
  );
}

/**
 * Builds the API over an initialised glue module.
 * @param {object} glue the namespace of wasm/keyhole.js
 */
export function createApi(glue) {
  // The bindings take options from the version that declares a second
  // parameter (see pkg/README.md, "Options").
  const takesOptions = glue.auditJson.length >= 2;

  /** Calls into the module; a trap becomes an Error with the panic's message. */
  function call(fn) {
    try {
      return fn();
    } catch (err) {
      if (!isTrap(err)) {
        throw err instanceof Error ? err : new Error(String(err));
      }
      // The panic hook (crate/src/wasm.rs) left its message here.
      const panic = globalThis.__keyholePanic;
      try {
        delete globalThis.__keyholePanic;
      } catch {
        globalThis.__keyholePanic = undefined;
      }
      // A trap can leave the module's memory half-updated: start afresh.
      if (typeof glue.__wbg_reset_state === 'function') {
        glue.__wbg_reset_state();
      }
      throw new Error(
        typeof panic === 'string' && panic ? panic : `Keyhole hit an internal error: ${err.message}`,
        { cause: err },
      );
    }
  }

  function checkOptions(options) {
    if (options === undefined || options === null) return undefined;
    if (typeof options !== 'object' || Array.isArray(options)) {
      throw new Error('audit options must be an object, such as { sensitiveWords: ["customer"] }');
    }
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.includes(key)) {
        throw new Error(`unknown audit option '${key}': expected ${OPTION_KEYS.join(', ')}`);
      }
    }
    const { sensitiveWords } = options;
    if (sensitiveWords === undefined) return undefined;
    if (!Array.isArray(sensitiveWords) || sensitiveWords.some((w) => typeof w !== 'string')) {
      throw new Error('options.sensitiveWords must be an array of strings');
    }
    if (!takesOptions) {
      throw new Error(
        `options.sensitiveWords is not supported by keyhole-audit ${glue.version()}: ` +
          'its WebAssembly core does not take options yet',
      );
    }
    return { sensitiveWords: sensitiveWords.map((w) => w.trim()).filter((w) => w !== '') };
  }

  function audit(files, options) {
    const checked = checkOptions(options);
    // JSON text plus JSON.parse is several times faster than building the
    // object inside wasm (crate/src/wasm.rs), and gives the same plain object.
    const json = call(() => (checked === undefined ? glue.auditJson(files) : glue.auditJson(files, checked)));
    return JSON.parse(json);
  }

  function rules() {
    return call(() => glue.rules());
  }

  function version() {
    return call(() => glue.version());
  }

  function render(report, format) {
    if (typeof report === 'string') {
      return call(() => glue.renderJson(report, format));
    }
    return call(() => glue.render(report, format));
  }

  // `takesOptions` is internal (the bin reads it); the entry points export the rest.
  return { audit, rules, version, render, exitCode, takesOptions };
}

/**
 * The CLI's exit code for a report: 2 when an input could not be read, 1 when
 * a finding is at or above `failOn`, else 0 (report.md).
 */
export function exitCode(report, failOn = 'high') {
  if (!FAIL_ON.includes(failOn)) {
    throw new Error(`unknown failOn '${failOn}': expected ${FAIL_ON.join(', ')}`);
  }
  if (!report || !Array.isArray(report.inputs) || !Array.isArray(report.findings)) {
    throw new Error('exitCode expects a Keyhole report');
  }
  if (report.inputs.some((input) => input.error !== null && input.error !== undefined)) return 2;
  if (failOn === 'never') return 0;
  const threshold = SEVERITIES.indexOf(failOn);
  const rank = (severity) => {
    const i = SEVERITIES.indexOf(severity);
    return i < 0 ? SEVERITIES.length : i;
  };
  return report.findings.some((f) => rank(f.severity) <= threshold) ? 1 : 0;
}
