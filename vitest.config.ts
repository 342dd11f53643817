import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Prints one line per missing tool (socat, udevadm, ...) and what its absence skips.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Emulator, pty and crash tests open real sockets and child processes; two cores here.
    pool: 'forks',
  },
});
