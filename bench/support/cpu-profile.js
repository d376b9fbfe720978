// CPU profiles of the servers under test: run under `node --cpu-prof`, the file kept in the
// script's own profiles/ folder (git-ignored by bench/.gitignore) and parsed for
// profile-summary.js.
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** The node flags that make a child write its CPU profile into `dir` as it exits; none without a `dir`. */
export const cpuProfFlags = (dir) => (dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []);

/**
 * Copies the .cpuprofile that a stopped child wrote into `fromDir` to `toDir` (made if need
 * be) as `<name>-<ISO time>.cpuprofile`. The kept file's path and the parsed profile, or
 * undefined when the child wrote none.
 */
export async function keepCpuProfile(fromDir, toDir, name) {
  const file = (await readdir(fromDir)).find((entry) => entry.endsWith('.cpuprofile'));
  if (!file) return undefined;
  await mkdir(toDir, { recursive: true });
  const kept = path.join(toDir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
  await copyFile(path.join(fromDir, file), kept);
  return { path: kept, profile: JSON.parse(await readFile(kept, 'utf8')) };
}
