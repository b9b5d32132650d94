import { escapeHtml, renderReportHtml } from '../../cli/report/render-html';
import { buildReport } from '../../cli/report/report-model';
import type { DigestRow } from '../../lambda/domain/digest/summarize';

const WINDOW = { fromMs: Date.parse('2026-03-01T00:00:00Z'), toMs: Date.parse('2026-03-03T00:00:00Z') };

function launch(name: string, n: number): DigestRow {
  return {
    instanceId: `i-${String(n).padStart(17, '0')}`,
    eventKey: `e${n}`,
    eventTime: '2026-03-02T10:00:00Z',
    eventName: 'RunInstances',
    action: 'launch',
    outcome: 'success',
    errorCode: null,
    account: '111122223333',
    region: 'eu-west-1',
    actor: { name, arn: null, type: 'IAMUser' },
    via: null,
    initiator: null,
    launch: null,
  };
}

describe('report HTML', () => {
  it('escapes every value from the table, so a name cannot add markup', () => {
    const hostile = '<script>alert(1)</script>"><img src=x onerror=alert(1)>';
    const html = renderReportHtml(
      buildReport([launch(hostile, 1)], new Map(), WINDOW),
      new Date(WINDOW.toMs),
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain(escapeHtml(hostile));
  });

  it('folds people beyond the eighth into one series and keeps the total', () => {
    const rows = Array.from({ length: 11 }, (_, n) => launch(`user${n}`, n));
    const report = buildReport(rows, new Map(), WINDOW);
    expect(report.launchesByPerson.series).toHaveLength(9);
    expect(report.launchesByPerson.series.at(-1)?.name).toBe('3 others');
    expect(report.launchesByPerson.series.flatMap((s) => s.counts).reduce((a, b) => a + b, 0)).toBe(11);
    // Three days: 1, 2 and 3 March (the window ends at midnight on the 3rd).
    expect(report.launchesByPerson.days).toEqual(['2026-03-01', '2026-03-02', '2026-03-03']);
  });

  it('draws the timelines of the 200 instances launched last and counts the rest', () => {
    const timelines = (count: number) => {
      const rows = Array.from({ length: count }, (_, n) => launch('jane', n));
      const html = renderReportHtml(buildReport(rows, new Map(), WINDOW), new Date(WINDOW.toMs));
      return html;
    };
    expect(timelines(201)).toContain('…and 1 more instance, not drawn.');
    expect(timelines(202)).toContain('…and 2 more instances, not drawn.');
    expect(timelines(200)).not.toContain('not drawn');
  });

  it('says so when the window is empty instead of drawing empty charts', () => {
    const html = renderReportHtml(buildReport([], new Map(), WINDOW), new Date(WINDOW.toMs));
    expect(html).toContain('No launches in this window.');
    expect(html).not.toContain('<svg');
  });
});
