// Names of what a benchmark script creates (groups, databases, temp folders).

let counter = 0;

/** `prefix`, this process's id and a counter: unique within the run and among runs side by side. */
export const uniqueName = (prefix) => `${prefix}${process.pid.toString(36)}-${(counter += 1)}`;
