/**
 * The trail-file function's entry point and composition root: the same adapters and policy as the
 * attribution function (owner tags and remediation included), plus an S3 reader, built once per
 * cold start.
 */

import { S3TrailLogSource } from '../adapters/s3-trail-log-source';
import { compilePolicy } from '../domain';
import { createHandler } from '../handler';
import { s3Client } from '../runtime/clients';
import { launchActions } from '../runtime/launch-actions';
import { recordingRuntime } from '../runtime/recording-settings';
import { createTrailFileWorker } from './trail-file-worker';

const { settings, policy, compiled, shared } = recordingRuntime('trailFile', process.env);

const worker = createTrailFileWorker({
  // The trail bucket may be in another region than the function: follow S3's redirect.
  logs: new S3TrailLogSource(s3Client()),
  // An event the live path missed is tagged and remediated as the live path would have done.
  recover: createHandler({
    ...shared,
    policy: compiled,
    ingestedBy: 'trail',
    actions: launchActions({
      env: process.env,
      settings,
      policy,
      ingestedBy: 'trail',
      alerts: shared.ledger,
      ...shared,
    }),
  }),
  // History is recorded without alerts: a backfill of years would otherwise page people for each one.
  backfill: createHandler({ ...shared, policy: compilePolicy({ rules: {} }), ingestedBy: 'backfill' }),
  logger: shared.logger,
  metrics: shared.metrics,
  clock: shared.clock,
});

export const handler = worker.handle;
