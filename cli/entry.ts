/** The CLI process: runs `main` on the command line, with the process's stdout and stderr. */

import { main } from './main';

// EPIPE (e.g. `ec2trail inspect ... | head`) is the reader leaving, not an error. Any other
// failure to write (a full disk: ENOSPC) ends the command with one line, never a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  // "ENOSPC: no space left on device, write" reads best as its middle part.
  const reason = error.message.replace(/^[A-Z]+:\s*/, '').replace(/,\s*\w+$/, '');
  process.stderr.write(`ec2trail: cannot write the output: ${reason}\n`);
  process.exit(1);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `ec2trail: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 70;
  },
);
