/** Tables a test file made on the shared DynamoDB Local; dropped after it (test/helpers/drop-tables.ts). */
const created = new Set<string>();

export function trackTable(name: string): void {
  created.add(name);
}

export function takeTrackedTables(): string[] {
  const names = [...created];
  created.clear();
  return names;
}
