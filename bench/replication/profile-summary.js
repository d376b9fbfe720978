// Reads a V8 .cpuprofile (as written by `node --cpu-prof`) and tells where the time went:
// the functions with the most self time, the functions with the most inclusive time (time
// with them anywhere on the stack) and the same by package. Used by run.js --profile; also
// runnable alone: `node bench/replication/profile-summary.js <file.cpuprofile> [top]`.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

function shortUrl(url) {
  if (!url) return '';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  const main = url.search(/\/(server|shared-schema|bench|client-lib)\//);
  if (main >= 0) return url.slice(main + 1);
  return url.replace(/^file:\/\//, '');
}

function packageOf(frame) {
  const { url, functionName } = frame;
  if (SPECIAL.has(functionName)) return functionName;
  if (!url) return '(native / eval: V8 builtins, `new Function` code such as the rules)';
  const modules = /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  if (url.startsWith('node:')) return 'node internals';
  if (/\/server\/(dist|src)\//.test(url)) return 'Mutual server';
  if (/\/shared-schema\//.test(url)) return 'Mutual shared-schema';
  return url;
}

function keyOf(frame) {
  if (SPECIAL.has(frame.functionName)) return frame.functionName;
  const where = shortUrl(frame.url);
  return `${frame.functionName || '(anonymous)'}${where ? ` ${where}:${frame.lineNumber + 1}` : ''}`;
}

/**
 * Self and inclusive milliseconds per function and per package. `windows` ([{ fromUs, toUs }],
 * CLOCK_MONOTONIC microseconds as `process.hrtime.bigint() / 1000n` gives them on Linux, the
 * clock V8 stamps samples with), when given, keeps only the samples taken within them.
 */
export function summarizeProfile(profile, windows) {
  const counted = (us) => !windows || windows.some((w) => us >= w.fromUs && us <= w.toUs);
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map();
  const inclusive = new Map();
  const packageInclusive = new Map();
  const packageSelf = new Map();
  let total = 0;
  let idle = 0;
  const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms);

  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    // timeDeltas[i] is the time since the previous sample: charge it to this sample.
    at += profile.timeDeltas[index] ?? 0;
    if (!counted(at)) return;
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    const leaf = nodes.get(id);
    if (!leaf) return;
    total += ms;
    if (leaf.callFrame.functionName === '(idle)') {
      idle += ms;
      return;
    }
    add(self, keyOf(leaf.callFrame), ms);
    add(packageSelf, packageOf(leaf.callFrame), ms);
    const seen = new Set();
    const seenPackages = new Set();
    for (let node = leaf; node; node = nodes.get(parent.get(node.id))) {
      const key = keyOf(node.callFrame);
      if (key === '(root)') continue;
      if (!seen.has(key)) {
        seen.add(key);
        add(inclusive, key, ms);
      }
      const pkg = packageOf(node.callFrame);
      if (!seenPackages.has(pkg)) {
        seenPackages.add(pkg);
        add(packageInclusive, pkg, ms);
      }
    }
  });
  const sorted = (map) => [...map.entries()].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: total,
    idleMs: idle,
    busyMs: total - idle,
    self: sorted(self),
    inclusive: sorted(inclusive),
    packageSelf: sorted(packageSelf),
    packageInclusive: sorted(packageInclusive),
  };
}

export function formatSummary(summary, top = 25) {
  const pct = (ms) => `${((100 * ms) / summary.busyMs).toFixed(1).padStart(5)}%`;
  const rows = (entries, n) =>
    entries.slice(0, n).map(([key, ms]) => `  ${ms.toFixed(0).padStart(7)} ms ${pct(ms)}  ${key}`).join('\n');
  return [
    `sampled ${summary.totalMs.toFixed(0)} ms (main thread), idle ${summary.idleMs.toFixed(0)} ms, busy ${summary.busyMs.toFixed(0)} ms (percentages of busy)`,
    '',
    'by package, self time:',
    rows(summary.packageSelf, 15),
    '',
    'by package, inclusive time (package anywhere on the stack):',
    rows(summary.packageInclusive, 15),
    '',
    `top ${top} functions by self time:`,
    rows(summary.self, top),
    '',
    `top ${top} functions by inclusive time:`,
    rows(summary.inclusive, top),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node profile-summary.js <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  const profile = JSON.parse(await readFile(file, 'utf8'));
  process.stdout.write(`${formatSummary(summarizeProfile(profile), Number(process.argv[3] ?? 25))}\n`);
}
