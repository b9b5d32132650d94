/**
 * Memory of `ec2trail replay --local FILE` as a user runs it: a fresh working folder, so the
 * command starts its own warm store (a detached `local serve` supervisor and its Java), and
 * every process of both trees sampled together from /proc. Each sample adds up proportional set
 * sizes (PSS: a page several processes share counts once), split three ways: the CLI and the
 * bulk child it runs, the supervisor (node and its watchdog shell), and Java. The peaks are the
 * largest single-sample sums, so the parts' peaks need not add up to the tree's.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TreePeaks {
  /** The whole tree at its largest sample: CLI, supervisor and Java. */
  readonly treeMb: number;
  /** The CLI's own processes (the command and its bulk child), at their largest. */
  readonly cliMb: number;
  /** Java (DynamoDB Local), at its largest. */
  readonly javaMb: number;
  /** The supervisor's node and shell, at their largest. */
  readonly supervisorMb: number;
}

interface ProcessInfo {
  readonly parent: number;
  readonly name: string;
}

function processTable(): Map<number, ProcessInfo> {
  const table = new Map<number, ProcessInfo>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The name may hold spaces and parentheses: the fields start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(entry), {
        parent: Number(fields[1]),
        name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      });
    } catch {
      // Ended between the listing and the read.
    }
  }
  return table;
}

function descendants(roots: readonly number[], table: Map<number, ProcessInfo>): Set<number> {
  const children = new Map<number, number[]>();
  for (const [pid, { parent }] of table) children.set(parent, [...(children.get(parent) ?? []), pid]);
  const found = new Set<number>();
  const stack = roots.filter((pid) => table.has(pid));
  for (let pid = stack.pop(); pid !== undefined; pid = stack.pop()) {
    if (found.has(pid)) continue;
    found.add(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return found;
}

function pssKb(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function supervisorPid(cwd: string): number | null {
  try {
    const state = JSON.parse(readFileSync(join(cwd, '.ec2trail', 'server.json'), 'utf8')) as {
      pid?: unknown;
    };
    return typeof state.pid === 'number' ? state.pid : null;
  } catch {
    return null;
  }
}

/** The supervisor is `ec2trail local serve`; until its state file exists, it is known by that. */
function isSupervisor(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes('local') && argv.includes('serve');
  } catch {
    return false;
  }
}

const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10;

/** Runs `node CLI ...argv` in `cwd` and samples it with the store it starts, every 250 ms. */
export function sampleLocalTree(
  cli: string,
  argv: readonly string[],
  cwd: string,
): Promise<{ ms: number; peaks: TreePeaks }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, ...argv], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4096);
    });
    const peak = { tree: 0, cli: 0, java: 0, supervisor: 0 };
    const sample = () => {
      const table = processTable();
      const server = supervisorPid(cwd);
      const store = descendants(server === null ? [] : [server], table);
      const all = descendants(
        [...(child.pid ? [child.pid] : []), ...(server === null ? [] : [server])],
        table,
      );
      const now = { tree: 0, cli: 0, java: 0, supervisor: 0 };
      for (const pid of all) {
        const kb = pssKb(pid);
        now.tree += kb;
        // Until the CLI exits, the store is also the CLI's descendant: tell them apart by name.
        const name = table.get(pid)?.name;
        if (name === 'java') now.java += kb;
        else if (store.has(pid) || name === 'sh' || isSupervisor(pid)) now.supervisor += kb;
        else now.cli += kb;
      }
      for (const key of Object.keys(peak) as (keyof typeof peak)[]) peak[key] = Math.max(peak[key], now[key]);
    };
    const poll = setInterval(sample, 250);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      const ms = performance.now() - started;
      if (code !== 0) reject(new Error(`ec2trail ${argv.join(' ')} exited with ${code}: ${stderr}`));
      else
        resolve({
          ms,
          peaks: {
            treeMb: mb(peak.tree),
            cliMb: mb(peak.cli),
            javaMb: mb(peak.java),
            supervisorMb: mb(peak.supervisor),
          },
        });
    });
  });
}

/** Stops the folder's warm store, as a user would. */
export function stopLocal(cli: string, cwd: string): void {
  spawnSync(process.execPath, [cli, 'local', 'stop'], { cwd, stdio: 'ignore' });
}
