/**
 * The versions of the two shapes other tools read: the CLI's JSON record (`--json`) and the row
 * stored in the attribution table. Each version's field names are in schema/ (record.vN.json,
 * row.vN.json) and its types in docs/record.md; a field added, renamed or removed makes a new
 * version, and `test/schema/public-schema.test.ts` fails until it does.
 */

/** The version of the JSON record `ec2trail inspect|who|activity|recent --json` print. */
export const RECORD_SCHEMA_VERSION = 1;

/** The version of the attribution row, as `aws dynamodb query` returns it. */
export const ROW_SCHEMA_VERSION = 2;
