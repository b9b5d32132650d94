import type { Finding } from '../../domain/security-hub/finding';

/** What became of findings sent to Security Hub. */
export interface FindingImport {
  readonly imported: number;
  /** Findings Security Hub refused or never received, with the error's code. */
  readonly failed: readonly { readonly id: string; readonly code: string; readonly message: string }[];
}

/** Where violations go as findings (Security Hub). Never throws: failures are in the answer. */
export interface FindingSink {
  import(findings: readonly Finding[]): Promise<FindingImport>;
}
