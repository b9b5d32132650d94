import { attribute } from '../../lambda/domain';
import { RECORDS_PER_TEMPLATE, templateNames } from '../../support/synthetic-trail';
import { loadJson } from '../helpers/fixtures';

describe('records per event, against counts made by hand', () => {
  it('has a hand count for every event fixture, and none for a file that is gone', () => {
    expect(Object.keys(RECORDS_PER_TEMPLATE).sort()).toEqual(templateNames());
  });

  it.each(Object.entries(RECORDS_PER_TEMPLATE))('%s yields %i records', (name, expected) => {
    const result = attribute(loadJson(`events/${name}`));
    expect(result.kind === 'records' ? result.records.length : 0).toBe(expected);
  });
});
