// A strict CommonJS TypeScript consumer: the "require" condition's types.
import keyhole = require('keyhole-audit');

const report: keyhole.Report = keyhole.auditFile('demo/dealership-aws.json');
const severity: keyhole.Severity | undefined = report.findings[0]?.severity;
const summary: string = `${severity ?? 'none'} ${keyhole.exitCode(report, 'critical')} ${keyhole.version()}`;
// @ts-expect-error the report is typed, not any
const wrong: number = report.schema;
export = { summary, wrong };
