// Types of keyhole-audit: the report contract `keyhole-report/1` and the API.
// Hand-written from the Rust types (crate/src/report/mod.rs, rules/meta.rs);
// tests/npm/ compiles every real report of the repository's fixtures against
// them, so a field the core adds, renames or drops fails the package's tests.

/** One file to audit: its name (as the report shows it) and its raw bytes (JSON, JSON Lines, gzip, UTF-16...). */
export interface InputFile {
  name: string;
  bytes: Uint8Array | ArrayBuffer;
}

/** Worst first. */
export type Severity = "critical" | "high" | "medium" | "low" | "info";

/**
 * `public`: readable or writable by anyone on the internet; `exposed`:
 * reachable from the internet (an open port); `weak`: a hygiene gap (no
 * encryption, no logging); `unknown`: a layer could not be resolved, and the
 * finding's notes say which.
 */
export type Verdict = "public" | "exposed" | "weak" | "unknown";

export type Provider = "aws" | "azure" | "gcp";

/** The format the detector recognised in an input file. */
export type InputFormat =
  | "aws-config-snapshot"
  | "aws-config-items"
  | `aws-cli-${string}`
  | "keyhole-aws-export"
  | "terraform-plan"
  | "terraform-state"
  | "cloudformation"
  | "arm-template"
  | `azure-cli-${string}`
  | "azure-resource-graph"
  | "gcp-asset-inventory"
  | `gcloud-${string}`
  | "keyhole-azure-export"
  | "keyhole-gcp-export";

/** A part of an input that was not audited, and why. */
export interface Skipped {
  /** RFC 6901 pointer into the input file. */
  pointer: string;
  reason: string;
}

/** What Keyhole made of one input file. */
export interface InputSummary {
  file: string;
  /** The detected format, or `null` when the file could not be read. */
  format: InputFormat | null;
  resources: number;
  skipped: Skipped[];
  /** Why the file could not be read or understood; `null` when it was. */
  error: string | null;
  /** How the file was read, such as "decoded as UTF-16LE text written by Windows PowerShell". */
  notes?: string[];
}

/** The resource a finding is about. */
export interface ResourceRef {
  provider: Provider;
  /** Such as `AWS::S3::Bucket`. */
  type: string;
  id: string;
  /** The name a person would recognise: the bucket name, the security group's GroupName, the Terraform address. */
  name: string;
  account: string | null;
  region: string | null;
}

/** Where in an input file the blamed value is. */
export interface Evidence {
  file: string;
  /** RFC 6901 pointer into `file`. */
  pointer: string;
  /** When the value at `pointer` is a string holding JSON: a pointer inside that JSON. */
  inner?: string;
  /** 1-based line, for inputs that are not JSON (YAML templates). */
  line?: number;
  /** 1-based column, with `line`. */
  column?: number;
  note: string;
}

export interface Finding {
  /** The rule's id, such as `aws-s3-bucket-public-acl` (see `rules()`). */
  rule: string;
  severity: Severity;
  verdict: Verdict;
  title: string;
  message: string;
  resource: ResourceRef;
  evidence: Evidence[];
  /** Words in names or tags that suggest personal data. */
  sensitive: string[];
  remediation: string;
  /** Caveats, such as the layer that could not be resolved. */
  notes?: string[];
}

/** A layer the upload did not let Keyhole check, said once per account. */
export interface Unchecked {
  account: string | null;
  region: string | null;
  what: string;
  reason: string;
  /** The command that would export what is missing. */
  command: string | null;
  file: string | null;
}

/** Findings per severity. */
export type Summary = { [S in Severity]: number };

/** The report (`keyhole-report/1`): the same for the CLI, this package and the page. */
export interface Report {
  schema: "keyhole-report/1";
  tool: { name: "keyhole"; version: string };
  inputs: InputSummary[];
  /** By severity, then rule, then file, then pointer. */
  findings: Finding[];
  summary: Summary;
  unchecked: Unchecked[];
}

/** The documentation of one rule. */
export interface RuleDoc {
  id: string;
  title: string;
  provider: Provider;
  service: string;
  resource_types: string[];
  severity: Severity;
  verdict: Verdict;
  /** Markdown. */
  what: string;
  /** Markdown. */
  why: string;
  fix: { console: string; cli: string; terraform: string };
  remediation: string;
  /** The same or a related check in other tools. */
  equivalents: { tool: string; id: string; same: boolean }[];
  references: string[];
}

export interface AuditOptions {
  /**
   * Words in names, tags and labels that mark personal data, replacing the
   * defaults (customer, dealer, crm, pii, ...). Needs a core that takes
   * options: until then, passing it throws an Error that says so.
   */
  sensitiveWords?: readonly string[];
}

export type ReportFormat = "json" | "sarif" | "csv" | "text";

/** The threshold of `exitCode` and the CLI's `--fail-on`. */
export type FailOn = Severity | "never";

/**
 * Audits the files as one upload. A file that cannot be read or understood
 * does not throw: its `inputs[].error` says why, and the others are audited.
 * Throws an `Error` only for bad arguments.
 */
export declare function audit(files: readonly InputFile[], options?: AuditOptions): Report;

/** The documentation of every rule. */
export declare function rules(): RuleDoc[];

/** Keyhole's version (the package's version too). */
export declare function version(): string;

/**
 * Renders a report (an object from `audit`, or its JSON text) exactly as
 * `keyhole audit --format <format>` prints it: JSON, SARIF 2.1.0, CSV or
 * plain text.
 */
export declare function render(report: Report | string, format: ReportFormat): string;

/**
 * The CLI's exit code for a report: 2 when an input could not be read, 1 when
 * a finding is at or above `failOn` (default `"high"`), else 0.
 */
export declare function exitCode(report: Report, failOn?: FailOn): 0 | 1 | 2;

/** The severities, worst first. */
export declare const SEVERITIES: readonly Severity[];
