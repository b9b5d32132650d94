// Runs in every test file: its tables go when it ends, so the shared DynamoDB Local stays small.
import { dropCreatedTables } from './services';

afterAll(() => dropCreatedTables());
