/**
 * The owner tags the deployed function writes: the `ownerTags` of the deploy config, read with
 * the same schema `cdk deploy` uses, so a preview shows exactly what the function would write.
 */

import type { OwnerTagSettings } from '../../lambda/domain/owner-tags';
import { OwnerTagsSchema } from '../../lib/config';
import { readDeployConfig } from '../deployed-policy';
import { UsageError } from '../errors';

export interface OwnerTagsChoice {
  readonly settings: OwnerTagSettings;
  /** The config file that named them. */
  readonly shown: string;
}

/** The deploy config's owner tags, or null when there is no config or it turns them off. */
export function chooseOwnerTags(configFile: string | undefined, cwd = process.cwd()): OwnerTagsChoice | null {
  const config = readDeployConfig(configFile, cwd);
  const raw = config?.json?.ownerTags;
  if (!config || raw === undefined) return null;
  const parsed = OwnerTagsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `ownerTags${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message}`,
    );
    throw new UsageError(`${config.shown}: ${problems.join('; ')}`);
  }
  return { settings: parsed.data, shown: config.shown };
}
