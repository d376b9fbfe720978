// Time in the benchmark scripts: waiting, and the clock of V8's CPU profiles.

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * CLOCK_MONOTONIC in microseconds: the clock of V8's profile samples (on Linux), so that a
 * measurement's `{ fromUs, toUs }` window selects its samples in a server's .cpuprofile.
 */
export const nowUs = () => Number(process.hrtime.bigint() / 1000n);
