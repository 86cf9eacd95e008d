// A strict TypeScript consumer on Node. Compiled with tsc --noEmit against
// the shipped types; each @ts-expect-error line must fail to compile.
import { audit, auditFile, exitCode, render, rules, SEVERITIES, version } from 'keyhole-audit';
import type {
  AuditOptions,
  Evidence,
  FailOn,
  Finding,
  InputFile,
  InputFormat,
  InputSummary,
  Provider,
  Report,
  ReportFormat,
  RuleDoc,
  Severity,
  Skipped,
  Summary,
  Unchecked,
  Verdict,
} from 'keyhole-audit';

// --- Type-level checks: precise, and no `any` anywhere. ---
type IsAny<T> = 0 extends 1 & T ? true : false;
type IsUnknown<T> = unknown extends T ? (IsAny<T> extends true ? false : true) : false;
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
/** True when `any` or `unknown` hides anywhere inside T. */
type Loose<T> = IsAny<T> extends true
  ? true
  : IsUnknown<T> extends true
    ? true
    : T extends readonly (infer E)[]
      ? Loose<E>
      : T extends object
        ? true extends { [K in keyof T]-?: Loose<T[K]> }[keyof T]
          ? true
          : false
        : false;

export type Checks = [
  Assert<Equal<Loose<Report>, false>>,
  Assert<Equal<Loose<RuleDoc>, false>>,
  Assert<Equal<Loose<InputFile>, false>>,
  Assert<Equal<ReturnType<typeof audit>, Report>>,
  Assert<Equal<ReturnType<typeof auditFile>, Report>>,
  Assert<Equal<ReturnType<typeof rules>, RuleDoc[]>>,
  Assert<Equal<ReturnType<typeof version>, string>>,
  Assert<Equal<ReturnType<typeof render>, string>>,
  Assert<Equal<ReturnType<typeof exitCode>, 0 | 1 | 2>>,
  Assert<Equal<Severity, 'critical' | 'high' | 'medium' | 'low' | 'info'>>,
  Assert<Equal<Verdict, 'public' | 'exposed' | 'weak' | 'unknown'>>,
  Assert<Equal<Provider, 'aws' | 'azure' | 'gcp'>>,
  Assert<Equal<ReportFormat, 'json' | 'sarif' | 'csv' | 'text'>>,
  Assert<Equal<FailOn, Severity | 'never'>>,
  Assert<Equal<Summary, Record<Severity, number>>>,
  Assert<Equal<Report['schema'], 'keyhole-report/1'>>,
  Assert<Equal<Report['findings'], Finding[]>>,
  Assert<Equal<Report['inputs'], InputSummary[]>>,
  Assert<Equal<Report['unchecked'], Unchecked[]>>,
  Assert<Equal<InputSummary['skipped'], Skipped[]>>,
  Assert<Equal<InputSummary['format'], InputFormat | null>>,
  Assert<Equal<Finding['evidence'], Evidence[]>>,
  Assert<Equal<Parameters<typeof audit>, [files: readonly InputFile[], options?: AuditOptions]>>,
];

// --- Using the API as documented. ---
const bytes = new Uint8Array([123, 125]);
const files: InputFile[] = [
  { name: 'a.json', bytes },
  { name: 'b.json', bytes: bytes.buffer },
];
const options: AuditOptions = { sensitiveWords: ['customer', 'dealer'] };
const report: Report = audit(files, options);
const fromDisk: Report = auditFile('demo/dealership-aws.json');
const fromFolder: Report = auditFile(['exports/', 'extra.json.gz'], {});

export function label(severity: Severity): string {
  switch (severity) {
    case 'critical':
      return 'Critical';
    case 'high':
      return 'High';
    case 'medium':
      return 'Medium';
    case 'low':
      return 'Low';
    case 'info':
      return 'Info';
    default: {
      const unreachable: never = severity;
      return unreachable;
    }
  }
}

export function describe(finding: Finding): string {
  const where: string = [finding.resource.account ?? 'no account', finding.resource.region ?? 'global'].join(' ');
  const first: Evidence | undefined = finding.evidence[0];
  const at = first ? `${first.file}#${first.pointer}${first.inner ?? ''}${first.line !== undefined ? `:${first.line}` : ''}` : '';
  const notes: readonly string[] = finding.notes ?? [];
  return `${label(finding.severity)} ${finding.verdict} ${finding.rule} ${finding.resource.name} (${where}) ${at} ${notes.join('; ')} ${finding.sensitive.join(',')}`;
}

export const lines: string[] = [...report.findings, ...fromDisk.findings].map(describe);
export const formats: (InputFormat | null)[] = fromFolder.inputs.map((i) => i.format);
export const broken: string[] = report.inputs.flatMap((i) => (i.error === null ? [] : [`${i.file}: ${i.error}`]));
export const total: number = Severity_total(report);
function Severity_total(r: Report): number {
  return SEVERITIES.reduce((sum, s) => sum + r.summary[s], 0);
}
export const awsCli: boolean = formats.some((f) => f !== null && f.startsWith('aws-cli-'));
export const unchecked: string[] = report.unchecked.map((u) => `${u.what}: ${u.reason} ${u.command ?? ''} ${u.file ?? ''}`);
export const sarif: string = render(report, 'sarif');
export const fromJson: string = render(JSON.stringify(report), 'text');
export const code: 0 | 1 | 2 = exitCode(report, 'never');
export const defaultCode: 0 | 1 | 2 = exitCode(report);
export const ids: string[] = rules().map((r: RuleDoc) => `${r.id} ${r.provider} ${r.fix.terraform} ${r.equivalents.map((e) => e.same).join()}`);
export const tool: string = `${report.tool.name} ${report.tool.version} ${version()}`;

// --- Misuse that must not compile. ---
// @ts-expect-error files are { name, bytes } objects, not paths
audit('a.json');
// @ts-expect-error bytes are a Uint8Array or an ArrayBuffer
audit([{ name: 'a.json', bytes: '{}' }]);
// @ts-expect-error failOn is not an audit option
audit(files, { failOn: 'high' });
// @ts-expect-error sensitiveWords is a list
audit(files, { sensitiveWords: 'customer' });
// @ts-expect-error severities are a closed set
export const severe: Severity = 'severe';
// @ts-expect-error verdicts are a closed set
export const open: Verdict = 'open';
// @ts-expect-error formats are json, sarif, csv, text
render(report, 'xml');
// @ts-expect-error --fail-on values are the severities and never
exitCode(report, 'always');
// @ts-expect-error account can be null
export const account: string = report.findings[0]!.resource.account;
// @ts-expect-error a finding's rule is a string
export const ruleNumber: number = report.findings[0]!.rule;
// @ts-expect-error notes may be absent
export const noteCount: number = report.findings[0]!.notes.length;
// @ts-expect-error the schema is fixed
report.schema = 'keyhole-report/2';
// @ts-expect-error there is no such field
export const score: number = report.findings[0]!.score;
