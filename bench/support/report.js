// The benchmark scripts' result tables and figures, and the machine they ran on.
import os from 'node:os';

/** Node, the CPUs and the OS, for a script's opening lines: `node v20.20.2, 2 CPUs (AMD EPYC), linux x64`. */
export function machine() {
  const cpus = os.cpus();
  return `node ${process.version}, ${cpus.length} CPUs (${cpus[0]?.model?.trim() ?? 'unknown'}), ${os.platform()} ${os.arch()}`;
}

/** The 1, 5 and 15 minute load averages, `0.37 0.99 1.09`: other work that shared the CPUs. */
export const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Prints a Markdown table: the first column left-aligned, the others right-aligned. */
export function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}
