import { escapeHtml, renderReportHtml } from '../../cli/report/render-html';
import { buildReport } from '../../cli/report/report-model';
import { type DigestRow, withForgotten } from '../../lambda/domain/digest/summarize';
import { forgottenSection, snapshotOf } from '../../lambda/domain/inventory/snapshot';

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

  describe('the possibly forgotten instances of the latest inventory', () => {
    const snapshot = snapshotOf({
      takenAt: '2026-03-02T23:00:00.000Z',
      regions: ['eu-west-1', 'us-east-1'],
      failedRegions: [],
      coverage: { instances: 3, withPerson: 2, percent: 66, byEvidence: {}, unknownByReason: {} },
      running: 3,
      runningHourlyUsd: 1,
      forgottenAfterDays: 30,
      forgotten: ['<b>mallory</b>', null].map((person, n) => ({
        instanceId: `i-0forgotten${n}`,
        account: '111122223333',
        region: 'eu-west-1',
        instanceType: 'r5.xlarge',
        person,
        service: null,
        launchedAt: '2026-01-10T08:00:00Z',
        lastTouch: null,
        hourlyUsd: n === 0 ? 0.252 : null,
      })),
    });
    const render = (at: number) => {
      const built = buildReport([], new Map(), WINDOW);
      return renderReportHtml(
        { ...built, digest: withForgotten(built.digest, forgottenSection(snapshot, at)) },
        new Date(WINDOW.toMs),
      );
    };

    it('are a table, the dearest first, with what each costs a month', () => {
      const html = render(WINDOW.toMs);
      const table = html.slice(html.indexOf('<table id="forgotten">'));
      expect(table.indexOf('i-0forgotten0')).toBeLessThan(table.indexOf('i-0forgotten1'));
      // 730 hours × 0.252
      expect(html).toContain('<td data-usd="183.96">USD 183.96</td>');
      expect(html).toContain('<td data-usd="">no price</td>');
      expect(html).toContain('2 instances, about USD 183.96 a month at list prices');
      expect(html).not.toContain('<b>mallory');
    });

    it('are left out when the inventory is more than two days old', () => {
      expect(render(WINDOW.toMs + 3 * 86_400_000)).not.toContain('Running for a long time');
    });
  });
});
