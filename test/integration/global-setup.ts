import { ensureBundle } from '../../scripts/local/bundle';

/** `npm test` builds before jest; a bare `npx jest` gets the bundle built here when it is missing or stale. */
export default function globalSetup(): void {
  ensureBundle((line) => console.log(`\n${line}`));
}
