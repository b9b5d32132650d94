import { type Command, parseFlags } from '../command';
import { UsageError } from '../errors';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/dynamodb-local';
import { supervise } from '../local/supervisor';
import {
  ensureServer,
  idleMinutesFrom,
  liveServer,
  localHome,
  readState,
  type ServerState,
  stopServer,
} from '../local/warm-server';
import { LOCAL_TABLE } from '../target';

function describe(state: ServerState): string {
  return [
    `endpoint:   ${state.endpoint}`,
    `table:      ${LOCAL_TABLE}`,
    `data:       ${state.dataDir}`,
    `started:    ${state.startedAt}`,
    `stops after ${state.idleMinutes} min with no request (ec2trail local stop ends it now)`,
    `pid:        ${state.pid} (supervisor), ${state.javaPid ?? '?'} (Java)`,
  ].join('\n');
}

/**
 * The environment the AWS CLI needs to query this store: paste it, or `eval` it. The endpoint is
 * also a plain variable for `--endpoint-url`: AWS CLI v1 and v2 before 2.13 (Debian 12 ships
 * 2.9) ignore AWS_ENDPOINT_URL_DYNAMODB; AWS_DEFAULT_REGION is the one v1 reads.
 */
function shellEnv(state: ServerState): string {
  return [
    `export EC2TRAIL_ENDPOINT=${state.endpoint} AWS_ENDPOINT_URL_DYNAMODB=${state.endpoint}`,
    `export AWS_REGION=${LOCAL_REGION} AWS_DEFAULT_REGION=${LOCAL_REGION} AWS_ACCESS_KEY_ID=${LOCAL_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${LOCAL_CREDENTIALS.secretAccessKey}`,
    `export TABLE=${LOCAL_TABLE}`,
  ].join('\n');
}

export const localCommand: Command = {
  usage: `Usage: ec2trail local start|status|stop|env

The embedded store of this folder (.ec2trail/): a DynamoDB Local that the first --local command
starts and later ones reuse, so they answer in about a second. It stops by itself after
15 minutes with no request (EC2TRAIL_LOCAL_IDLE_MINUTES), or at "ec2trail local stop".

  start    start it unless it runs, and say where it listens
  status   say whether it runs, where, and since when (exit 1 when it does not run)
  stop     stop it now (the data stays in .ec2trail/dynamodb)
  env      print the shell lines that point the AWS CLI at it:  eval "$(ec2trail local env)"`,

  async run(argv, output) {
    const { positionals, values } = parseFlags(argv, {
      dir: { type: 'string' },
      'idle-minutes': { type: 'string' },
    });
    const [sub, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const home = localHome(process.cwd());
    switch (sub) {
      case 'start': {
        const state = await ensureServer(process.cwd());
        await output.out(`${describe(state)}\n`);
        return 0;
      }
      case 'env': {
        const state = await ensureServer(process.cwd());
        await output.out(`${shellEnv(state)}\n`);
        return 0;
      }
      case 'status': {
        const state = await liveServer(home);
        if (!state) {
          const stale = readState(home);
          output.err(
            stale
              ? `the embedded store of ${home} is not answering (pid ${stale.pid}); the next --local command replaces it`
              : `no embedded store runs for ${home}; the next --local command starts one`,
          );
          return 1;
        }
        await output.out(`${describe(state)}\n`);
        return 0;
      }
      case 'stop': {
        const state = readState(home);
        if (!state) {
          await output.out(`no embedded store runs for ${home}\n`);
          return 0;
        }
        await stopServer(state);
        await output.out(`stopped the embedded store of ${home} (pid ${state.pid})\n`);
        return 0;
      }
      case 'serve': {
        // The supervisor that `start` and every --local command launch, detached; not for people.
        if (!values.dir) throw new UsageError('local serve needs --dir');
        const idleMinutes =
          values['idle-minutes'] === undefined
            ? idleMinutesFrom(process.env)
            : idleMinutesFrom({ EC2TRAIL_LOCAL_IDLE_MINUTES: values['idle-minutes'] });
        return supervise({
          home: values.dir,
          idleMinutes,
          tableName: LOCAL_TABLE,
          log: (line) => output.err(`${new Date().toISOString()} ${line}`),
        });
      }
      default:
        throw new UsageError(
          sub === undefined
            ? 'local needs a subcommand: start, status, stop or env'
            : `unknown subcommand "${sub}" (expected: start, status, stop or env)`,
        );
    }
  },
};
