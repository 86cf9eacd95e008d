
// Node only (the "node" condition of the package's exports).

/**
 * Audits files or folders on disk, like `keyhole audit PATH...`: a folder is
 * read recursively (.json, .json.gz, .jsonl, .ndjson, gzipped or not). A path
 * that cannot be read is reported in `inputs[].error` and the others are
 * audited; throws when a folder holds no input file at all.
 */
export declare function auditFile(path: string | readonly string[], options?: AuditOptions): Report;
