/**
 * `ec2trail report --html` rendered in a real headless Chromium (Debian's `chromium`): the DOM
 * Chromium builds must hold the hand-counted numbers of the example trail (see
 * test/cli/digest.test.ts for the count), and a screenshot must have ink on it; the same check
 * on an empty page must say blank, so the screenshot test can fail.
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/cli';
import { decodePng, inkRatio } from '../helpers/png';
import { describeIf } from '../helpers/requires';

function findChromium(): string | null {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  }
  return null;
}

const CHROMIUM = findChromium();
const maybe = describeIf(CHROMIUM !== null, 'no headless Chromium found (apt-get install chromium)');

function chromium(args: string[]): string {
  if (!CHROMIUM) throw new Error('chromium is not installed (apt-get install chromium)');
  const run = spawnSync(
    CHROMIUM,
    ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', ...args],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (run.status !== 0) throw new Error(`chromium failed: ${run.stderr.slice(-500)}`);
  return run.stdout;
}

/** The data-count of every element in the DOM matching the attribute filter. */
function counts(dom: string, svgId: string): Record<string, number> {
  const start = dom.indexOf(`id="${svgId}"`);
  const svg = dom.slice(start, dom.indexOf('</svg>', start));
  const totals: Record<string, number> = {};
  for (const match of svg.matchAll(/<rect [^>]*data-series="([^"]*)"[^>]*data-count="(\d+)"/g)) {
    const name = (match[1] ?? '').replace(/&amp;/g, '&');
    totals[name] = (totals[name] ?? 0) + Number(match[2]);
  }
  return totals;
}

maybe('ec2trail report --html in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ec2trail-report-'));
  const report = join(dir, 'report.html');
  let dom = '';

  beforeAll(() => {
    const replay = runCli(['replay', '--local', '--alerts', join(ROOT, 'examples', 'AWSLogs')], { cwd: dir });
    expect(replay.status).toBe(0);
    const written = runCli(
      ['report', '--local', '--since', '2026-03-01', '--until', '2026-04-01', '--html', report],
      { cwd: dir },
    );
    expect(written.stderr).toContain('Report written to');
    expect(written.status).toBe(0);
    dom = chromium(['--dump-dom', `file://${report}`]);
  });

  it('is self-contained: nothing to fetch, no script', () => {
    const html = readFileSync(report, 'utf8');
    expect(html).not.toMatch(/<script|<link|\bsrc=|url\(|@import/i);
    expect(html).toContain("default-src 'none'");
  });

  it('draws launches per day by person with the hand-counted numbers', () => {
    expect(counts(dom, 'launches-by-person')).toEqual({
      root: 3,
      alice: 2,
      'jane.doe@example.com': 1,
      'autoscaling.amazonaws.com (no person known)': 1,
    });
    expect(dom).toMatch(/data-series="root" data-day="2026-03-02" data-count="3"/);
  });

  it('draws launches per day by service', () => {
    expect(counts(dom, 'launches-by-service')).toEqual({ 'direct call': 6, 'autoscaling.amazonaws.com': 1 });
  });

  it('draws violations by rule and severity', () => {
    const violations = counts(dom, 'violations');
    // root's launch (critical) and jane's (warning) both lacked tags and IMDSv2.
    expect(violations).toMatchObject({ requiredTags: 2, imdsv2Required: 2, failedAttempts: 1, rootUser: 1 });
    expect(dom).toMatch(/data-series="requiredTags" data-severity="critical" data-count="1"/);
    expect(dom).toMatch(/data-series="requiredTags" data-severity="warning" data-count="1"/);
  });

  it('shows the figures, the failed attempt and one timeline per instance', () => {
    expect(dom).toMatch(/data-figure="instances launched"><span>7<\/span>/);
    expect(dom).toMatch(/data-figure="alerts"><span>3<\/span>/);
    expect(dom).toContain(
      // A federated user's name is the GetFederationToken caller's claim: listed as one.
      '<td>arn:aws:sts::111122223333:federated-user/contractor-bob (claims to be contractor-bob)</td><td>RunInstances</td><td>Client.UnauthorizedOperation</td>',
    );
    const instances = [...dom.matchAll(/data-instance="(i-[0-9a-f]+)"/g)].map((m) => m[1]);
    expect(instances).toHaveLength(7);
    // alice's first instance: launch, stop, start, connect, terminate, oldest first.
    const start = dom.indexOf('data-instance="i-0a1b2c3d4e5f60001"');
    const steps = [...dom.slice(start, dom.indexOf('</ol>', start)).matchAll(/data-action="(\w+)"/g)].map(
      (m) => m[1],
    );
    expect(steps).toEqual(['launch', 'stop', 'start', 'connect', 'terminate']);
  });

  it('puts ink on the page, where an empty page has none', () => {
    const shot = join(dir, 'report.png');
    chromium(['--window-size=1000,1600', `--screenshot=${shot}`, `file://${report}`]);
    expect(inkRatio(decodePng(readFileSync(shot)))).toBeGreaterThan(0.02);
    const blank = join(dir, 'blank.html');
    writeFileSync(blank, '<!doctype html><html><body></body></html>');
    const blankShot = join(dir, 'blank.png');
    chromium(['--window-size=1000,1600', `--screenshot=${blankShot}`, `file://${blank}`]);
    expect(inkRatio(decodePng(readFileSync(blankShot)))).toBeLessThan(0.001);
  });
});
