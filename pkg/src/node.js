// keyhole-audit for Node 18+ (ES modules). Node reads the WebAssembly module
// from disk next to this file: no network, no top-level await, so require()
// of this file works too where Node supports require(esm).
import { api } from './lib/node-api.js';
import { auditPaths } from './lib/files.js';

export const { audit, rules, version, render } = api;
export { exitCode, SEVERITIES } from './lib/api.js';

/**
 * Audits files or folders on disk, like `keyhole audit PATH...`: a folder is
 * read recursively (.json, .json.gz, .jsonl, .ndjson, gzipped or not); a file
 * that cannot be read is reported in `inputs[].error`, the others are audited.
 */
export function auditFile(path, options) {
  return auditPaths(api, path, options);
}
