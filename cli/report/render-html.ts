/**
 * The report as one self-contained HTML file: inline CSS and SVG, no script, no network, no
 * CDN, readable on paper. Every value from the table is escaped; every bar carries its numbers
 * in data attributes (data-series, data-day, data-count) so a browser test can read them back.
 */

import { lengthOfDays } from '../../lambda/domain/digest/render';
import { monthlyUsd } from '../../lambda/domain/inventory/snapshot';
import { plural } from '../../lambda/domain/text';
import type { DailySeries, Report, Timeline } from './report-model';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

// Distinguishable in colour and in greyscale print (dark to light).
const PALETTE = [
  '#1b4f72',
  '#b03a2e',
  '#1e8449',
  '#7d3c98',
  '#b9770e',
  '#117a65',
  '#5d6d7e',
  '#a04000',
  '#aab7b8',
];
const SEVERITY_COLOURS = { critical: '#922b21', warning: '#b9770e', info: '#5d6d7e' } as const;

function stackedBars(title: string, id: string, data: DailySeries): string {
  const width = 900;
  const height = 220;
  const left = 40;
  const bottom = 40;
  const totals = data.days.map((_, i) => data.series.reduce((sum, s) => sum + (s.counts[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const slot = (width - left) / Math.max(1, data.days.length);
  const bar = Math.max(2, slot * 0.7);
  const scale = (height - bottom - 10) / max;
  const rects: string[] = [];
  data.days.forEach((day, i) => {
    let y = height - bottom;
    data.series.forEach((s, n) => {
      const count = s.counts[i] ?? 0;
      if (count === 0) return;
      const h = count * scale;
      y -= h;
      rects.push(
        `<rect x="${(left + i * slot).toFixed(1)}" y="${y.toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}" fill="${PALETTE[n % PALETTE.length]}" data-series="${escapeHtml(s.name)}" data-day="${day}" data-count="${count}"><title>${escapeHtml(s.name)}, ${day}: ${count}</title></rect>`,
      );
    });
  });
  // A label every few days, so a 90-day window stays readable.
  const every = Math.ceil(data.days.length / 15);
  const labels = data.days
    .map((day, i) =>
      i % every === 0
        ? `<text x="${(left + i * slot + bar / 2).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle" font-size="10">${day.slice(5)}</text>`
        : '',
    )
    .join('');
  const axis = `<line x1="${left}" y1="${height - bottom}" x2="${width}" y2="${height - bottom}" stroke="#333"/><text x="${left - 6}" y="16" text-anchor="end" font-size="10">${max}</text><text x="${left - 6}" y="${height - bottom}" text-anchor="end" font-size="10">0</text>`;
  const legend = data.series
    .map(
      (s, n) =>
        `<li><span class="swatch" style="background:${PALETTE[n % PALETTE.length]}"></span>${escapeHtml(s.name)} (${s.counts.reduce((a, b) => a + b, 0)})</li>`,
    )
    .join('');
  const body =
    data.series.length === 0
      ? '<p class="none">No launches in this window.</p>'
      : `<svg id="${id}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}">${axis}${rects.join('')}${labels}</svg><ul class="legend">${legend}</ul>`;
  return `<section><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

function violationsChart(report: Report): string {
  if (report.violations.length === 0)
    return '<section><h2>Violations by rule and severity</h2><p class="none">No alerts in this window.</p></section>';
  const rowHeight = 22;
  const width = 900;
  const left = 220;
  const max = Math.max(
    1,
    ...report.violations.map((v) => v.bySeverity.critical + v.bySeverity.warning + v.bySeverity.info),
  );
  const scale = (width - left - 40) / max;
  const rows = report.violations
    .map((v, i) => {
      let x = left;
      const y = i * rowHeight + 4;
      const bars = (['critical', 'warning', 'info'] as const)
        .map((severity) => {
          const count = v.bySeverity[severity];
          if (count === 0) return '';
          const w = count * scale;
          const rect = `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowHeight - 6}" fill="${SEVERITY_COLOURS[severity]}" data-series="${escapeHtml(v.rule)}" data-severity="${severity}" data-count="${count}"><title>${escapeHtml(v.rule)}, ${severity}: ${count}</title></rect>`;
          x += w;
          return rect;
        })
        .join('');
      const total = v.bySeverity.critical + v.bySeverity.warning + v.bySeverity.info;
      return `<text x="${left - 8}" y="${y + 13}" text-anchor="end" font-size="12">${escapeHtml(v.rule)}</text>${bars}<text x="${(x + 6).toFixed(1)}" y="${y + 13}" font-size="11">${total}</text>`;
    })
    .join('');
  const legend = (['critical', 'warning', 'info'] as const)
    .map((s) => `<li><span class="swatch" style="background:${SEVERITY_COLOURS[s]}"></span>${s}</li>`)
    .join('');
  return `<section><h2>Violations by rule and severity</h2><p>Alerts that listed each rule, by the alert's severity.</p><svg id="violations" viewBox="0 0 ${width} ${report.violations.length * rowHeight + 8}" role="img" aria-label="Violations by rule and severity">${rows}</svg><ul class="legend">${legend}</ul></section>`;
}

const STEP_MARK: Record<string, string> = {
  launch: '▲',
  stop: '■',
  start: '▶',
  terminate: '✖',
  reboot: '↻',
  connect: '⇢',
};

function timeline(t: Timeline): string {
  const steps = t.steps
    .map(
      (s) =>
        `<li class="step ${s.outcome}" data-action="${escapeHtml(s.action)}"><span class="mark">${STEP_MARK[s.action] ?? '•'}</span> <time>${escapeHtml(s.time.replace('T', ' ').replace('Z', ' UTC'))}</time> <b>${escapeHtml(s.action)}</b>${s.outcome === 'failed' ? ' (refused)' : ''} by ${escapeHtml(s.person)}</li>`,
    )
    .join('');
  return `<div class="timeline" data-instance="${escapeHtml(t.instanceId)}"><h3>${escapeHtml(t.instanceId)} <small>${escapeHtml(t.account ?? '?')} · ${escapeHtml(t.region ?? '?')}</small></h3><ol>${steps}</ol></div>`;
}

/** The latest inventory's possibly forgotten instances, the dearest first; nothing without a recent inventory. */
function forgottenTable(report: Report): string {
  const f = report.digest.forgotten;
  if (!f) return '';
  const intro = `<p>Running longer than ${escapeHtml(lengthOfDays(f.afterDays))} with nobody starting, stopping, rebooting or connecting to them, or nobody known behind them: inventory of ${escapeHtml(f.asOf.replace('T', ' ').slice(0, 16))} UTC, ${plural(f.regions, 'region')}. ${plural(f.total, 'instance')}, about USD ${f.monthlyUsd.toFixed(2)} a month at list prices (an estimate, not the bill).</p>`;
  if (f.instances.length === 0)
    return `<section><h2>Running for a long time, untouched</h2>${intro}</section>`;
  const rows = f.instances
    .map((i) => {
      const monthly = monthlyUsd(i);
      return `<tr><td>${escapeHtml(i.instanceId)}</td><td>${escapeHtml(i.instanceType ?? '?')}</td><td>${escapeHtml(i.account ?? '?')} ${escapeHtml(i.region)}</td><td>${i.person ? escapeHtml(i.person) : '<span class="none">unknown</span>'}${i.service ? ` <small>via ${escapeHtml(i.service)}</small>` : ''}</td><td>${escapeHtml(i.launchedAt?.slice(0, 10) ?? '?')}</td><td>${escapeHtml(i.lastTouch?.slice(0, 10) ?? 'never seen')}</td><td data-usd="${monthly ?? ''}">${monthly === null ? 'no price' : `USD ${monthly.toFixed(2)}`}</td></tr>`;
    })
    .join('');
  const more = f.total > f.instances.length ? `<p>…and ${f.total - f.instances.length} more.</p>` : '';
  return `<section><h2>Running for a long time, untouched</h2>${intro}<table id="forgotten"><thead><tr><th>Instance</th><th>Type</th><th>Where</th><th>Person</th><th>Launched</th><th>Last touched</th><th>A month</th></tr></thead><tbody>${rows}</tbody></table>${more}</section>`;
}

export function renderReportHtml(report: Report, generatedAt: Date): string {
  const { digest } = report;
  const t = digest.totals;
  const figures = [
    ['instances launched', t.instancesLaunched],
    ['launch calls', t.launchCalls],
    ['stopped', t.stops],
    ['started', t.starts],
    ['terminated', t.terminations],
    ['failed attempts', t.failedAttempts],
    ['alerts', t.alerts],
  ]
    .map(([name, n]) => `<div class="figure" data-figure="${name}"><span>${n}</span>${name}</div>`)
    .join('');
  const failed =
    digest.failed.length === 0
      ? '<p class="none">No failed attempts.</p>'
      : `<table id="failed"><thead><tr><th>Who</th><th>Call</th><th>Error</th><th>Times</th></tr></thead><tbody>${digest.failed
          .map(
            (f) =>
              `<tr><td>${escapeHtml(f.person)}</td><td>${escapeHtml(f.eventName)}</td><td>${escapeHtml(f.errorCode)}</td><td data-count="${f.count}">${f.count}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  const timelines =
    report.timelines.length === 0
      ? '<p class="none">No instance was touched in this window.</p>'
      : report.timelines.map(timeline).join('') +
        (report.timelinesOmitted > 0
          ? `<p>…and ${plural(report.timelinesOmitted, 'more instance', 'more instances')}, not drawn.</p>`
          : '');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>ec2trail report ${digest.from.slice(0, 10)} to ${digest.to.slice(0, 10)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1c2833;margin:2rem auto;max-width:960px;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;border-bottom:1px solid #ccd;padding-bottom:.2rem;margin-top:2rem}
.figures{display:flex;flex-wrap:wrap;gap:.6rem}.figure{border:1px solid #ccd;border-radius:6px;padding:.5rem .8rem;min-width:7rem}
.figure span{display:block;font-size:1.6rem;font-weight:600}
svg{width:100%;height:auto}.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.8rem;font-size:12px}
.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle;border:1px solid #333}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #dde;padding:.3rem .5rem;text-align:left}
.timeline{break-inside:avoid;margin:.6rem 0}.timeline h3{font-size:1rem;margin:.2rem 0}.timeline small{color:#566573;font-weight:normal}
.timeline ol{list-style:none;margin:0;padding-left:1rem;border-left:3px solid #aab7b8}.step.failed{color:#922b21}
.none{color:#566573;font-style:italic}
@media print{body{margin:0;max-width:none;font-size:11pt}section{break-inside:avoid}a{color:inherit}}
</style>
</head>
<body>
<h1>ec2trail report</h1>
<p>${digest.from.replace('T', ' ').slice(0, 16)} UTC to ${digest.to.replace('T', ' ').slice(0, 16)} UTC · generated ${generatedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC</p>
<section><h2>Summary</h2><div class="figures">${figures}</div></section>
${stackedBars('Launches per day by person', 'launches-by-person', report.launchesByPerson)}
${stackedBars('Launches per day by service', 'launches-by-service', report.launchesByService)}
${violationsChart(report)}
${forgottenTable(report)}
<section><h2>Failed attempts</h2>${failed}</section>
<section><h2>Instances</h2><p>Each instance's calls, oldest first, with the person behind each (▲ launch, ■ stop, ▶ start, ✖ terminate).</p>${timelines}</section>
</body>
</html>
`;
}
