/** @type {import('jest').Config} */
const config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/infra/cdk/test'],
  testMatch: ['**/*.test.ts'],
  // TypeScript first: `npm pack -w infra/cdk` compiles lib/*.js beside lib/*.ts (removed after packing), and the
  // tests must never run such a copy instead of the sources.
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json', 'node'],
  transform: {
    // Type checking is `npm run typecheck`'s job; ts-jest only transpiles here, which keeps the suite fast.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  setupFiles: ['<rootDir>/test/support/environment.ts'],
  setupFilesAfterEnv: ['aws-sdk-client-mock-jest'],
  // The integration tests run the built bundle: built here when missing or older than its sources.
  globalSetup: '<rootDir>/test/integration/global-setup.ts',
  reporters: ['default', '<rootDir>/test/support/plain-summary-reporter.js'],
  testTimeout: 30000,
};
module.exports = config;
