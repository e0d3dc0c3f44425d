#!/usr/bin/env node
// `npm test`: every suite of every package, on a fresh machine too. Installs Chromium for the browser suites
// when it is missing, checks the generated code against the contract and the contract against the last
// release, builds, runs each workspace's vitest
// suites and ends with one line `N passed, N failed` summing them all.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const WORKSPACES = ['codegen', 'schemas', 'server', 'sdk-foundry', 'overlay', 'tests'];
const CHROMIUM = '/usr/bin/chromium';

function run(command, args, options = {}) {
  console.log(`\n$ ${[command, ...args].join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit', ...options }).status ?? 1;
}

function ensureChromium() {
  if (process.env.CHROMIUM_PATH || existsSync(CHROMIUM)) return;
  const apt = process.getuid?.() === 0 ? ['apt-get'] : ['sudo', 'apt-get'];
  const install = (...args) =>
    run(apt[0], [...apt.slice(1), ...args], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (install('update', '-qq') !== 0 || install('install', '-y', '-qq', 'chromium') !== 0) {
    console.error('Could not install Chromium (Debian package "chromium"); the browser suites will fail.');
  }
}

const packageJson = (workspace) => JSON.parse(readFileSync(join(workspace, 'package.json'), 'utf8'));

ensureChromium();
const gates = [
  ['npm', ['run', '-s', 'codegen', '--', '--check']],
  ['npm', ['run', '-s', 'contract:compat']],
  ['npx', ['turbo', 'run', 'build']],
  // Biome on every hand-written file, and the type-check of every package, tests included.
  ['npm', ['run', '-s', 'lint']],
];
for (const [command, args] of gates) {
  if (run(command, args) !== 0) {
    console.log('\n0 passed, 1 failed');
    process.exit(1);
  }
}

const reports = mkdtempSync(join(tmpdir(), 'tumulte-test-'));
let passed = 0;
let failed = 0;
const summary = [];
for (const workspace of WORKSPACES) {
  if (!packageJson(workspace).scripts?.test) continue;
  const report = join(reports, `${workspace}.json`);
  const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], {
    cwd: workspace,
  });
  let counts = { numPassedTests: 0, numFailedTests: status === 0 ? 0 : 1 };
  if (existsSync(report)) counts = JSON.parse(readFileSync(report, 'utf8'));
  // A suite that crashed before reporting still counts as a failure.
  const workspaceFailed = counts.numFailedTests + (status !== 0 && counts.numFailedTests === 0 ? 1 : 0);
  passed += counts.numPassedTests;
  failed += workspaceFailed;
  summary.push(`  ${workspace.padEnd(12)} ${counts.numPassedTests} passed, ${workspaceFailed} failed`);
}
console.log(`\n${summary.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
