/** Why code generation stopped. */
export type CodegenErrorCode = 'SPEC_INVALID' | 'SCHEMA_UNSUPPORTED' | 'OUTPUT_STALE';

export interface SpecProblem {
  file: string;
  line: number;
  column: number;
  rule: string;
  message: string;
}

export class CodegenError extends Error {
  override readonly name = 'CodegenError';

  constructor(
    readonly code: CodegenErrorCode,
    message: string,
    readonly problems: readonly SpecProblem[] = [],
  ) {
    super(message);
  }

  /** One line per problem, `file:line:column rule message`, the way compilers print them. */
  format(): string {
    const lines = this.problems.map((p) => `${p.file}:${p.line}:${p.column} error ${p.rule}: ${p.message}`);
    return [`${this.code}: ${this.message}`, ...lines].join('\n');
  }
}
