/** The outcome of one conformance check, in words a plugin author can act on. */
export interface CheckResult {
  readonly check: string;
  readonly ok: boolean;
  readonly message: string;
}

/** All checks run on one plugin entry. */
export interface CheckReport {
  readonly subject: string;
  readonly results: readonly CheckResult[];
  readonly ok: boolean;
}

export function report(subject: string, results: CheckResult[]): CheckReport {
  return { subject, results, ok: results.every((r) => r.ok) };
}

/** Runs a check, turning a thrown error into a failed result that quotes it. */
export function attempt(check: string, run: () => CheckResult | string): CheckResult {
  try {
    const outcome = run();
    return typeof outcome === 'string' ? { check, ok: true, message: outcome } : { ...outcome, check };
  } catch (error) {
    return { check, ok: false, message: `threw: ${error instanceof Error ? error.message : String(error)}` };
  }
}

export function formatReport(r: CheckReport): string {
  return [`${r.subject}: ${r.ok ? 'all checks passed' : 'FAILED'}`, ...r.results.map((x) => `  ${x.ok ? '✓' : '✗'} ${x.check}: ${x.message}`)].join('\n');
}
