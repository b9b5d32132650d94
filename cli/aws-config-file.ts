/**
 * The few settings of the AWS CLI's shared files that ec2trail follows as the AWS CLI does: the
 * profile's `region` and `output`, and whether a named profile exists at all. The SDK reads the
 * credentials itself; this only answers what the SDK does not expose before a call.
 */

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserFacingError } from './errors';

type Sections = Map<string, Map<string, string>>;

/** INI sections as the AWS CLI writes them: `[default]`, `[profile dev]` (config) or `[dev]` (credentials). */
export function parseIni(text: string, prefixed: boolean): Sections {
  const sections: Sections = new Map();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (header?.[1]) {
      const name = header[1];
      const profile = prefixed && name !== 'default' ? /^profile\s+(.+)$/.exec(name)?.[1] : name;
      current = profile ? new Map() : undefined;
      if (profile) sections.set(profile, current ?? new Map());
      continue;
    }
    // Nested settings (`s3 =` then indented lines) are beyond what is read here.
    const setting = /^([^=\s]+)\s*=\s*(.*)$/.exec(line);
    if (current && setting?.[1] && !/^\s/.test(raw)) current.set(setting[1], setting[2] ?? '');
  }
  return sections;
}

function read(path: string, prefixed: boolean): Sections {
  return existsSync(path) ? parseIni(readFileSync(path, 'utf8'), prefixed) : new Map();
}

export interface ProfileSettings {
  readonly name: string;
  readonly region?: string;
  readonly output?: string;
}

/**
 * The settings of `--profile NAME`, else `AWS_PROFILE`, else `default`. A profile named
 * explicitly that neither file holds is the AWS CLI's own error, word for word.
 */
export function profileSettings(explicit: string | undefined, env = process.env): ProfileSettings {
  // An empty AWS_PROFILE is no profile, as for the SDK.
  const chosen = explicit || env.AWS_PROFILE || undefined;
  const name = chosen ?? 'default';
  const config = read(env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config'), true);
  const credentials = read(env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials'), false);
  const settings = config.get(name);
  if (!settings && !credentials.has(name) && chosen !== undefined)
    throw new UserFacingError(`The config profile (${name}) could not be found`, 1);
  return {
    name,
    ...(settings?.get('region') ? { region: settings.get('region') } : {}),
    ...(settings?.get('output') ? { output: settings.get('output') } : {}),
  };
}
