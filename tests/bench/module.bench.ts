// The Foundry module: its bundle size, and the CPU it spends per collected event (the real module code in the
// simulated Foundry runtime, on the real chat-message fixture), against the runtime's own cost of the same
// chat messages without the module.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chatMessage } from '../../sdk-foundry/test/sim/fixtures.js';
import { drain, table } from '../../sdk-foundry/test/sim/harness.js';
import { standardWorld } from '../../sdk-foundry/test/sim/runtime.js';
import { type BenchSection, formatNumber, ratio } from './report.js';

// The outbox holds at most 1,000 events (older ones are dropped past that), so a round stays at its bound.
const MESSAGES = 1_000;
const ROUNDS = 9;

function bundleSize(): { raw: number; gzip: number } {
  const root = dirname(createRequire(import.meta.url).resolve('tumulte-integration/package.json'));
  const scripts = join(root, 'dist', 'tumulte-integration', 'scripts');
  let raw = 0;
  let gzip = 0;
  for (const file of readdirSync(scripts).filter((f) => f.endsWith('.js'))) {
    const bytes = readFileSync(join(scripts, file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip };
}

/** CPU microseconds per chat message created in `world`, median of ROUNDS runs. */
async function cpuPerMessage(create: (i: number) => void, afterRound: () => void): Promise<number> {
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < MESSAGES; i++) create(round * MESSAGES + i);
    const used = process.cpuUsage(start);
    afterRound();
    samples.push((used.user + used.system) / MESSAGES);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

export async function moduleBench(): Promise<BenchSection> {
  const source = chatMessage('dnd5e-d20roll-attack-guiding-bolt');
  const message = (i: number) => ({ ...source, _id: `bench${i.toString(36).padStart(11, '0')}` });

  const bare = standardWorld().world;
  const baseline = await cpuPerMessage(
    (i) => bare.createChatMessage(message(i)),
    () => {},
  );

  const t = await table();
  const collected = () => t.module.outbox?.list().length ?? 0;
  let events = 0;
  const withModule = await cpuPerMessage(
    (i) => t.world.createChatMessage(message(i)),
    () => {
      events += collected();
      drain(t.module);
    },
  );
  if (events < MESSAGES * ROUNDS)
    throw new Error(`The module collected ${events} events for ${MESSAGES * ROUNDS} rolls`);
  const size = bundleSize();
  return {
    title: 'Foundry module: bundle and CPU per collected event',
    method: `Bundle: the built module's scripts (socket.io-client, QR code, generated client and zod included), gzip level 9. CPU: ${formatNumber(MESSAGES)} chat messages of the real dnd5e attack-roll fixture created in the simulated Foundry runtime, median of ${ROUNDS} rounds of process CPU time; each becomes a validated, persisted \`dice:roll\` in the module's outbox (the outbox is emptied between rounds, as acknowledgements would). The baseline is the runtime creating the same messages without the module.`,
    columns: ['measure', 'value', 'vs baseline'],
    rows: [
      ['bundle (raw)', `${formatNumber(size.raw / 1024, 1)} KiB`, ''],
      ['bundle (gzip)', `${formatNumber(size.gzip / 1024, 1)} KiB`, ''],
      ['runtime alone, per chat message (baseline)', `${formatNumber(baseline, 1)} µs`, '1.00×'],
      ['with the module, per collected dice:roll', `${formatNumber(withModule, 1)} µs`, ratio(withModule, baseline)],
    ],
    notes: [
      `The module adds ${formatNumber(withModule - baseline, 1)} µs of CPU per roll in the GM's browser tab (Node's V8 here).`,
    ],
  };
}
