import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real sockets and an in-process server are happier in child processes than in worker threads.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The module's own info/debug lines are noise here; warnings and errors still show.
    onConsoleLog: (log, type) => !(type === 'stdout' && log.startsWith('tumulte-integration |')),
  },
});
