// `npm run bench`: runs every benchmark in one process, one after the other, and writes BENCHMARKS.md with
// the machine, the date and the command.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { connectionsBench } from './connections.bench.js';
import { moduleBench } from './module.bench.js';
import { pipelineBench } from './pipeline.bench.js';
import { type BenchSection, renderSection } from './report.js';
import { validatorsBench } from './validators.bench.js';

const BENCHES: [string, () => Promise<BenchSection>][] = [
  ['pipeline', pipelineBench],
  ['connections', connectionsBench],
  ['validators', validatorsBench],
  ['module', moduleBench],
];

const only = process.argv.slice(2);
const sections: BenchSection[] = [];
for (const [name, bench] of BENCHES) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`bench: ${name}…`);
  const section = await bench();
  console.log(renderSection(section));
  sections.push(section);
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const header = `# Benchmarks

Written by \`npm run bench\` (tests/bench/run.ts) — do not edit by hand; run it again.

- Date: ${new Date().toISOString()}
- Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${process.platform} ${process.arch}
- Node.js ${process.version}
- Command: \`npm run bench\`${only.length ? ` (only: ${only.join(', ')})` : ''}
`;
writeFileSync(join(import.meta.dirname, '../../BENCHMARKS.md'), `${header}\n${sections.map(renderSection).join('\n')}`);
console.log('bench: BENCHMARKS.md written');
