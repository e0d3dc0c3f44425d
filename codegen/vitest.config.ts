import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The CLI tests spawn the generator, which parses a spec (1–3 s on a busy 2-core machine).
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
