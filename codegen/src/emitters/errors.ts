// The error-code registry (from the ErrorCode schema and its x-error-codes) and the error class every
// package throws and answers with.
import type { ContractModel } from '../contract-model.js';
import { jsDoc } from '../text.js';

export function emitErrors(model: ContractModel): string {
  const entries = model.errorCodes
    .map(
      (e) =>
        `${jsDoc(e.description, '  ')}  ${e.code}: { status: ${e.status}, description: ${JSON.stringify(e.description)} },`,
    )
    .join('\n');
  return `// The error-code registry shared by acknowledgements, connect_error data and HTTP error bodies.
import type { z } from "zod";
import type { ErrorCode, ErrorInfo, ValidationIssue } from "./types.js";

export interface ErrorCodeDefinition {
  /** The HTTP status an HTTP route answers with this code. */
  readonly status: number;
  readonly description: string;
}

export const ERROR_CODES = {
${entries}
} as const satisfies Record<ErrorCode, ErrorCodeDefinition>;

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === "string" && Object.hasOwn(ERROR_CODES, value);

/** An error with a code from the registry; it travels as \`{code, message, issues?}\`. */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
  readonly code: ErrorCode;
  readonly issues: readonly ValidationIssue[] | undefined;

  constructor(code: ErrorCode, message: string, options: { issues?: readonly ValidationIssue[]; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.issues = options.issues;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  toErrorInfo(): ErrorInfo {
    return this.issues ? { code: this.code, message: this.message, issues: [...this.issues] } : { code: this.code, message: this.message };
  }
}

const MAX_ISSUES = 100;

/** zod issues as contract \`ValidationIssue\`s (paths of keys and indexes). */
export function issuesFromZod(error: z.ZodError): ValidationIssue[] {
  return error.issues.slice(0, MAX_ISSUES).map((issue) => ({
    path: issue.path.map((key) => (typeof key === "number" ? key : String(key))),
    message: issue.message,
  }));
}

/** A \`VALIDATION\` error for \`subject\` (an event or body name) from a failed zod parse. */
export function validationError(subject: string, error: z.ZodError): ProtocolError {
  return new ProtocolError("VALIDATION", \`Invalid \${subject} payload\`, { issues: issuesFromZod(error), cause: error });
}
`;
}
