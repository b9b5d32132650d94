/** Reads a policy file (JSON or YAML) from disk and validates it. */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type Policy, PolicyError, parsePolicy } from '../lambda/domain';
import { PROJECT_ROOT } from './project-root';

/** The policy a deploy gets when it names none (policy/default-policy.json). */
export const DEFAULT_POLICY_FILE = join(PROJECT_ROOT, 'policy', 'default-policy.json');

function readDocument(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    throw new PolicyError(path, [
      code === 'ENOENT' ? 'the file does not exist' : `cannot be read (${String(code ?? error)})`,
    ]);
  }
  if (/\.ya?ml$/i.test(path)) {
    try {
      return parseYaml(text);
    } catch (error) {
      throw new PolicyError(path, [
        `not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      ]);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PolicyError(path, [
      `not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    ]);
  }
}

/** The validated policy in a file; throws PolicyError listing every problem. */
export function readPolicyFile(path: string): Policy {
  return parsePolicy(readDocument(path), path);
}
