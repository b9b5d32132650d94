// Runs in every test file: the embedded stores its `--local` commands left warm stop when it ends.
import { stopWarmStores } from './cli';

afterAll(() => stopWarmStores());
