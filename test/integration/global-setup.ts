import { ensureBundle } from '../../scripts/local/bundle';
import { MotoUnavailableError } from '../../scripts/local/moto';
import { ensureMotoPython } from '../../scripts/local/moto-python';

/**
 * `npm test` builds before jest; a bare `npx jest` gets the bundle built here when it is missing or stale. moto's
 * Python is set up here, once for every test file, when no interpreter has moto (as `npm start` does). When that
 * cannot be done, the integration tests say why as they skip (or, under CI=true, fail).
 */
export default async function globalSetup(): Promise<void> {
  ensureBundle((line) => console.log(`\n${line}`));
  try {
    await ensureMotoPython({ log: (line) => console.log(`\n${line}`) });
  } catch (error) {
    if (!(error instanceof MotoUnavailableError)) throw error;
    process.stderr.write(`\nmoto could not be set up for the integration tests: ${error.message}\n`);
  }
}
