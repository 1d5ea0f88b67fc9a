// One row of `npm run doctor`'s table, and the table itself.

export type DoctorStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface DoctorRow {
  check: string;
  status: DoctorStatus;
  detail: string;
  /** What to do about a failure or a warning. */
  fix?: string;
}

export const pass = (check: string, detail: string): DoctorRow => ({ check, status: 'pass', detail });
export const failure = (check: string, detail: string, fix: string): DoctorRow => ({ check, status: 'fail', detail, fix });
export const warning = (check: string, detail: string, fix: string): DoctorRow => ({ check, status: 'warn', detail, fix });
export const skipped = (check: string, why: string): DoctorRow => ({ check, status: 'skip', detail: `not checked: ${why}` });

const LABEL: Record<DoctorStatus, string> = { pass: 'ok', fail: 'FAIL', warn: 'warn', skip: 'skip' };

/** Plain text, one row per check, its fix underneath: readable in a terminal and in a CI log. */
export function renderTable(rows: DoctorRow[]): string {
  const width = Math.max(...rows.map((r) => r.check.length), 'CHECK'.length);
  const indent = ' '.repeat(width + 10);
  const lines = [`  ${'CHECK'.padEnd(width)}  RESULT  DETAIL`];
  for (const row of rows) {
    lines.push(`  ${row.check.padEnd(width)}  ${LABEL[row.status].padEnd(6)}  ${row.detail}`);
    if (row.fix) lines.push(`${indent}fix: ${row.fix}`);
  }
  const failed = rows.filter((r) => r.status === 'fail').length;
  lines.push(
    '',
    failed ? `${failed} of ${rows.length} checks failed.` : `All checks passed${rows.some((r) => r.status === 'warn') ? ' (see the warnings)' : ''}.`,
  );
  return lines.join('\n');
}
