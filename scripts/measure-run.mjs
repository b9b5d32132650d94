#!/usr/bin/env node
// Runs a command and reports its wall time and the peak resident memory of its whole process
// tree (the command and every process it starts: jest workers, Java, emulators, spawned CLIs),
// sampled from /proc every 250 ms, two ways: the sum of each process's proportional set size
// (PSS: a page shared by several processes, such as the node binary's, counts once in all) and
// the plain sum of resident set sizes (RSS, which counts a shared page in every process that
// maps it, and so overstates). Usage: node scripts/measure-run.mjs OUT.json -- CMD ARGS...
// The command's exit code is passed through; the figures go to OUT.json and one stderr line.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const [out, dashes, command, ...args] = process.argv.slice(2);
if (!out || dashes !== '--' || !command) {
  process.stderr.write('usage: node scripts/measure-run.mjs OUT.json -- COMMAND [ARGS...]\n');
  process.exit(2);
}

const PAGE = 4096;

/** pid → [parent pid, resident bytes] for every process we can read; gone ones are skipped. */
function processTable() {
  const table = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: fields start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const rssPages = Number(fields[21]);
      table.set(Number(name), [
        Number(fields[1]),
        rssPages * PAGE,
        stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      ]);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return table;
}

function treeBytes(root) {
  const table = processTable();
  const children = new Map();
  for (const [pid, [parent]] of table) {
    const list = children.get(parent) ?? [];
    list.push(pid);
    children.set(parent, list);
  }
  let total = 0;
  let pss = 0;
  const members = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop();
    const entry = table.get(pid);
    if (entry) {
      const proportional = pssOf(pid) ?? entry[1];
      total += entry[1];
      pss += proportional;
      members.push({ pid, name: entry[2], rssMiB: mib(entry[1]), pssMiB: mib(proportional) });
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return { total, pss, members };
}

const mib = (bytes) => Math.round(bytes / 1024 / 1024);

/** The process's PSS in bytes, or null when it cannot be read (it ended, or belongs to another user). */
function pssOf(pid) {
  try {
    const kb = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

const started = performance.now();
const child = spawn(command, args, { stdio: 'inherit' });
let peak = 0;
let peakRss = 0;
let atPeak = [];
const sampler = setInterval(() => {
  const { total, pss, members } = treeBytes(child.pid);
  peakRss = Math.max(peakRss, total);
  if (pss <= peak) return;
  peak = pss;
  atPeak = members.sort((a, b) => b.pssMiB - a.pssMiB).slice(0, 10);
}, 250);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  const figures = {
    command: [command, ...args].join(' '),
    wallSeconds: Math.round(seconds * 10) / 10,
    peakTreeMiB: mib(peak),
    peakTreeRssSumMiB: mib(peakRss),
    exitCode: code,
    signal,
    // The largest processes at the peak: where the memory went.
    atPeak,
  };
  writeFileSync(out, `${JSON.stringify(figures, null, 2)}\n`);
  const minutes = `${Math.floor(seconds / 60)} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
  process.stderr.write(
    `measured: ${figures.command}: ${minutes} wall, peak ${figures.peakTreeMiB} MiB for the process tree\n`,
  );
  process.exit(code ?? 1);
});
