// Command-line flags of the benchmark scripts.

/**
 * The value of `--name value` or `--name=value` on the command line; `true` for a bare `--name`
 * (no value, or the next argument is another flag); `fallback` when the flag is absent.
 */
export function option(name, fallback) {
  const arg = process.argv.slice(2).find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (arg === undefined) return fallback;
  const eq = arg.indexOf('=');
  if (eq >= 0) return arg.slice(eq + 1);
  const next = process.argv[process.argv.indexOf(arg) + 1];
  return next !== undefined && !next.startsWith('--') ? next : true;
}
