import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { DiagnosticSeverity, fromFile, Parser } from '@asyncapi/parser';
import { parse as parseYaml } from 'yaml';
import { CodegenError, type SpecProblem } from './codegen-error.js';
import { tumulteRuleset } from './lint-rules.js';

/** The contract as written (refs intact), once the parser and our rules accepted it. */
export interface LoadedSpec {
  path: string;
  source: string;
  document: Record<string, unknown>;
}

// Always reported for 3.0.0 documents: we pin 3.0.0 on purpose (Modelina stops there).
const IGNORED_DIAGNOSTICS = new Set(['asyncapi-latest-version']);

export interface LoadOptions {
  /**
   * Apply the project's lint rules (default). A contract released before a rule existed is read with the
   * AsyncAPI rules only, so a new rule never makes an old release unreadable.
   */
  readonly projectRules?: boolean;
}

export async function loadSpec(path: string, options: LoadOptions = {}): Promise<LoadedSpec> {
  const parser = new Parser(options.projectRules === false ? {} : { ruleset: tumulteRuleset });
  const { document, diagnostics } = await fromFile(parser, path).parse();
  const file = relative(process.cwd(), path) || path;
  const problems: SpecProblem[] = diagnostics
    .filter((d) => d.severity === DiagnosticSeverity.Error && !IGNORED_DIAGNOSTICS.has(String(d.code)))
    .map((d) => ({
      file,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      rule: String(d.code),
      message: d.message,
    }));
  if (problems.length > 0 || document === undefined) {
    throw new CodegenError('SPEC_INVALID', `${file} breaks ${problems.length} rule(s)`, problems);
  }
  const source = await readFile(path, 'utf8');
  return { path, source, document: parseYaml(source) as Record<string, unknown> };
}
