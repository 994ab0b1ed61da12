// FHIR errors: every failure the API reports is an OperationOutcome with an HTTP status.

export type IssueType =
  | 'invalid' | 'structure' | 'required' | 'value' | 'invariant' | 'security' | 'login' | 'forbidden'
  | 'not-found' | 'deleted' | 'too-long' | 'not-supported' | 'duplicate' | 'multiple-matches'
  | 'conflict' | 'business-rule' | 'processing' | 'exception' | 'throttled' | 'timeout' | 'too-costly'
  | 'informational' | 'expired' | 'incomplete' | 'transient';

export interface Issue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: IssueType;
  diagnostics: string;
  expression?: string[];
}

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: Issue[];
}

/** An error to report to the caller as an OperationOutcome with `status`. Messages must never name or
 * describe data the caller cannot see. */
export class FhirError extends Error {
  readonly status: number;
  readonly issues: Issue[];
  readonly headers: Record<string, string>;

  constructor(status: number, code: IssueType, diagnostics: string, expression?: string[], headers: Record<string, string> = {}) {
    super(diagnostics);
    this.status = status;
    this.issues = [{ severity: status >= 500 ? 'fatal' : 'error', code, diagnostics, ...(expression ? { expression } : {}) }];
    this.headers = headers;
  }

  static withIssues(status: number, issues: Issue[], headers: Record<string, string> = {}): FhirError {
    const e = new FhirError(status, issues[0]?.code ?? 'processing', issues.map((i) => i.diagnostics).join('; '), undefined, headers);
    (e as { issues: Issue[] }).issues = issues;
    return e;
  }

  toOutcome(): OperationOutcome {
    return { resourceType: 'OperationOutcome', issue: this.issues };
  }
}

export const badRequest = (diagnostics: string, expression?: string[]) => new FhirError(400, 'invalid', diagnostics, expression);
export const notFound = (diagnostics: string) => new FhirError(404, 'not-found', diagnostics);
export const forbidden = (diagnostics: string) => new FhirError(403, 'forbidden', diagnostics);

export function outcome(severity: Issue['severity'], code: IssueType, diagnostics: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code, diagnostics }] };
}
