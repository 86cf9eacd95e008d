// A strict browser consumer, as a Vite app would compile it (moduleResolution
// "bundler" does not use the "node" condition).
import { audit, exitCode, render, rules, version } from 'keyhole-audit';
import type { InputFile, Report } from 'keyhole-audit';
// @ts-expect-error auditFile is Node-only: the browser build has no file system
import { auditFile } from 'keyhole-audit';

export async function auditPicked(list: FileList): Promise<Report> {
  const files: InputFile[] = await Promise.all(
    Array.from(list).map(async (file) => ({ name: file.name, bytes: await file.arrayBuffer() })),
  );
  return audit(files);
}

export function show(report: Report, out: HTMLElement): void {
  out.textContent = render(report, 'text');
  out.dataset['exit'] = String(exitCode(report, 'high'));
  out.title = `${version()}: ${rules().length} rules`;
}
