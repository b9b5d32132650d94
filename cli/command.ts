/** What every ec2trail subcommand provides to the dispatcher. */

import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors';

export interface Output {
  /** Writes to stdout, waiting when the pipe is full so huge outputs keep memory flat. */
  out(text: string): Promise<void>;
  /** One diagnostic line on stderr. */
  err(line: string): void;
  readonly isTTY: boolean;
}

export interface Command {
  readonly usage: string;
  /** Returns the exit code. */
  run(argv: readonly string[], output: Output): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** `node:util` parseArgs with its errors turned into one-line usage errors. */
export function parseFlags<O extends Options>(argv: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(message ?? 'invalid arguments');
  }
}
