// The Node.js the project needs comes from package.json's engines field, read here without any
// dependency so that an old Node gets one clear line before anything else loads.
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** The lowest major version `engines.node` accepts (">=22" → 22). */
export const REQUIRED_MAJOR = Number(/(\d+)/.exec(manifest.engines.node)?.[1] ?? 0);

/**
 * The line to print when `version` (as process.versions.node gives it) is too old for `what`,
 * or null when it will do.
 */
export function nodeProblem(version, what) {
  const major = Number(version.split('.')[0]);
  if (major >= REQUIRED_MAJOR) return null;
  return `${what} needs Node.js ${REQUIRED_MAJOR} or later (Lambda runs 24); this is Node.js ${version}. Install 22 or 24 (nvm install 24, or your package manager) and run it again.`;
}

/** Ends the process with that line and exit code 1 when this Node is too old. */
export function requireNode(what) {
  const problem = nodeProblem(process.versions.node, what);
  if (problem === null) return;
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
