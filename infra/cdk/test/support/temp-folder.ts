import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** One folder in the temp directory per test file, removed when the file's tests are done. */
const root = mkdtempSync(path.join(tmpdir(), 'ecs-task-runner-cdk-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A new folder inside this test file's temp folder. */
export function tempFolder(prefix: string): string {
  return mkdtempSync(path.join(root, prefix));
}
