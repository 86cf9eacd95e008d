// Reading inputs from disk for Node: `auditFile` and the `keyhole` bin.
// Mirrors `collect` and `audit` in crate/src/main.rs, so that the bin names,
// orders and reports files exactly as the native CLI does.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** File name endings read when given a directory (crate/src/main.rs). */
export const EXTENSIONS = ['.json', '.json.gz', '.jsonl', '.jsonl.gz', '.ndjson', '.ndjson.gz'];

export const NO_INPUTS =
  'no input files found (a directory is searched for .json, .json.gz, .jsonl and .ndjson files, gzipped or not)';

function isDir(path) {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readError(err) {
  switch (err && err.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'there is no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: this file could not be opened';
    default:
      return `could not be read: ${err && err.message ? err.message : err}`;
  }
}

/** Rust's `Path::join` for a plain file name. */
function join(dir, name) {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** Orders names as Rust orders `PathBuf`s that share a parent: by their bytes. */
function byBytes(a, b) {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Loads paths as the CLI does: `{ name, bytes }` for each readable file,
 * `{ name, error }` for each one that is not. `readStdin` (the bin only)
 * gives the bytes for `-`.
 */
export function loadInputs(paths, readStdin) {
  const out = [];
  const visited = new Set();
  const collect = (path) => {
    if (path === '-' && readStdin) {
      try {
        out.push({ name: '<stdin>', bytes: readStdin() });
      } catch (err) {
        out.push({ name: '<stdin>', error: `could not read standard input: ${err.message}` });
      }
      return;
    }
    if (isDir(path)) {
      let key = path;
      try {
        key = realpathSync(path);
      } catch {
        // keep the path as given, as the CLI does
      }
      if (visited.has(key)) return;
      visited.add(key);
      let names;
      try {
        names = readdirSync(path);
      } catch (err) {
        out.push({ name: path, error: `could not read this directory: ${err.message}` });
        return;
      }
      for (const name of names.sort(byBytes)) {
        const entry = join(path, name);
        const lower = name.toLowerCase();
        if (isDir(entry) || EXTENSIONS.some((e) => lower.endsWith(e))) collect(entry);
      }
      return;
    }
    try {
      out.push({ name: path, bytes: readFileSync(path) });
    } catch (err) {
      out.push({ name: path, error: readError(err) });
    }
  };
  for (const path of paths) collect(path);
  return out;
}

/** Audits loaded inputs and puts the unreadable ones back in their places. */
export function auditLoaded(api, loaded, options) {
  const readable = loaded.filter((l) => l.error === undefined).map((l) => ({ name: l.name, bytes: l.bytes }));
  const report = api.audit(readable, options);
  loaded.forEach((l, index) => {
    if (l.error !== undefined) {
      report.inputs.splice(Math.min(index, report.inputs.length), 0, {
        file: l.name,
        format: null,
        resources: 0,
        skipped: [],
        error: l.error,
      });
    }
  });
  return report;
}

function toPath(p) {
  if (p instanceof URL) return fileURLToPath(p);
  if (typeof p !== 'string' || p === '') {
    throw new Error('auditFile expects a path (string or file: URL) or an array of them');
  }
  return p;
}

/** `auditFile(path | path[], options?)` for the Node entry. */
export function auditPaths(api, path, options) {
  const paths = (Array.isArray(path) ? path : [path]).map(toPath);
  if (paths.length === 0) throw new Error('auditFile expects at least one path');
  const loaded = loadInputs(paths);
  if (loaded.length === 0) throw new Error(`${paths.join(', ')}: ${NO_INPUTS}`);
  return auditLoaded(api, loaded, options);
}
