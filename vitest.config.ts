import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each file starts its own server process on an ephemeral port with its own data folder.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
