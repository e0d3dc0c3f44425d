// A benchmark section of BENCHMARKS.md: a table of figures and what they mean.
export interface BenchSection {
  title: string;
  /** What was measured and how, in a sentence or two. */
  method: string;
  columns: string[];
  rows: (string | number)[][];
  /** Targets met or missed, limits, what to read from the numbers. */
  notes: string[];
}

export const formatNumber = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export const ratio = (value: number, baseline: number): string => `${formatNumber(value / baseline, 2)}×`;

export function renderSection(section: BenchSection): string {
  const header = `| ${section.columns.join(' | ')} |\n|${section.columns.map(() => '---').join('|')}|`;
  const rows = section.rows.map((row) => `| ${row.join(' | ')} |`).join('\n');
  const notes = section.notes.map((note) => `- ${note}`).join('\n');
  return `## ${section.title}\n\n${section.method}\n\n${header}\n${rows}\n${notes ? `\n${notes}\n` : ''}`;
}
