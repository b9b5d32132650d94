/** What every ec2trail subcommand provides to the dispatcher. */

import { type ParseArgsConfig, parseArgs } from 'node:util';
import { didYouMean } from '../lib/closest-name';
import { UsageError } from './errors';

export interface Output {
  /** Writes to stdout, waiting when the pipe is full so huge outputs keep memory flat. */
  out(text: string): Promise<void>;
  /** One diagnostic line on stderr. */
  err(line: string): void;
  readonly isTTY: boolean;
  /** The width tables must fit: the terminal's, or COLUMNS; none when writing to a file or pipe. */
  readonly columns?: number;
}

export interface Command {
  readonly usage: string;
  /** Returns the exit code. */
  run(argv: readonly string[], output: Output): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `node:util` parseArgs, with the mistakes people make checked first so the message is ec2trail's
 * own: an unknown option names the closest one, a missing value says which option wanted it.
 */
export function parseFlags<O extends Options>(argv: readonly string[], options: O) {
  checkFlags(argv, options);
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    // Whatever the checks above did not foresee: Node's first sentence, without its advice.
    const message = error instanceof Error ? (error.message.split(/\.\s|\n/)[0] ?? '') : String(error);
    throw new UsageError(message || 'invalid arguments');
  }
}

function checkFlags(argv: readonly string[], options: Options): void {
  const names = Object.keys(options);
  const long = names.map((name) => `--${name}`);
  const byShort = new Map(
    Object.entries(options).flatMap(([name, option]) => (option.short ? [[option.short, name]] : [])),
  );
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    if (token === '--') return;
    if (!token.startsWith('-') || token === '-') continue;
    let name: string | undefined;
    let inline: string | undefined;
    if (token.startsWith('--')) {
      const equals = token.indexOf('=');
      name = token.slice(2, equals < 0 ? undefined : equals);
      inline = equals < 0 ? undefined : token.slice(equals + 1);
      if (!(name in options))
        throw new UsageError(
          `unknown option ${token.slice(0, equals < 0 ? undefined : equals)}${didYouMean(`--${name}`, long)}`,
        );
    } else {
      name = byShort.get(token.slice(1, 2));
      if (!name) throw new UsageError(`unknown option ${token.slice(0, 2)}${didYouMean(token, long)}`);
      if (token.length > 2) inline = token.slice(2);
    }
    const option = options[name];
    if (option?.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value (it is a switch)`);
      continue;
    }
    if (inline !== undefined) continue;
    const value = argv[i + 1];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    if (value.startsWith('-') && value !== '-')
      throw new UsageError(
        `--${name} needs a value, and "${value}" looks like an option${/^-\d+\s*[smhdw]$/i.test(value) ? ` (durations count back from now: write ${value.slice(1)})` : ''}; to pass a value that starts with a dash, write --${name}=${value}`,
      );
    i++;
  }
}
