// Runs @tumulte/server as its own process exactly like its CLI (`server/dist/cli.js`: flags and environment,
// first-start banner, SIGTERM), plus what the CLI has no flag for, from the environment of the test that spawns
// it: TUMULTE_TEST_OVERRIDES (JSON config overrides, e.g. a short sessionTtlSeconds) and
// TUMULTE_TEST_CHANNEL_PREFIX (the cluster adapter's Redis stream / PostgreSQL channel, unique per test run).
import { buildServer, parseCommandLine } from '@tumulte/server';

const command = parseCommandLine(process.argv.slice(2), process.env);
if (command.kind !== 'run') throw new Error('the launcher only runs the server');
const overrides = JSON.parse(process.env.TUMULTE_TEST_OVERRIDES || '{}');
const prefix = process.env.TUMULTE_TEST_CHANNEL_PREFIX;
const server = await buildServer({ ...command.config, ...overrides }, prefix ? { clusterChannelPrefix: prefix } : {});
const url = await server.listen();
if (server.firstRun) {
  // The same banner as the CLI, so one parser reads both.
  process.stdout.write(
    `\n  Owner API token (dashboard API, Authorization: Bearer):\n    ${server.firstRun.ownerToken}\n` +
      `\n  Owner setup link (choose your username and password):\n    ${url}/setup#${server.firstRun.setupToken}\n\n`,
  );
}
process.once('SIGTERM', () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
