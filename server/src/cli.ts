#!/usr/bin/env node
// `tumulte-server` / `npm start`: runs the server with the configuration from flags and environment.
import { buildServer, SERVER_VERSION } from './app.js';
import { ConfigError, parseCommandLine, USAGE } from './config.js';

function printFirstRun(url: string, ownerToken: string, setupToken: string): void {
  // Printed once, straight to the terminal (never through the logs): only hashes are stored.
  process.stdout.write(
    [
      '',
      '  Tumulte: first start. The owner account was created.',
      '',
      `  Owner API token (dashboard API, Authorization: Bearer):`,
      `    ${ownerToken}`,
      '',
      `  Owner setup link (choose your username and password):`,
      `    ${url}/setup#${setupToken}`,
      '',
      '  They are shown only this once. Keep the token somewhere safe.',
      '',
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  const command = parseCommandLine(process.argv.slice(2), process.env);
  if (command.kind !== 'run') {
    process.stdout.write(command.kind === 'help' ? USAGE : `${SERVER_VERSION}\n`);
    return;
  }
  const server = await buildServer(command.config);
  const url = await server.listen();
  if (server.firstRun) printFirstRun(url, server.firstRun.ownerToken, server.firstRun.setupToken);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    server.logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`tumulte-server: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  process.stderr.write(`tumulte-server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
