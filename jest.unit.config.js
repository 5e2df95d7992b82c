/**
 * The unit tests alone: no moto, no cfn-lint, no bundle. What mutation testing (`npm run mutate`) runs for every
 * mutant; fast enough to run many times. `npm run test:unit`. The folders that mirror src/, test/behaviour/ (whole
 * requests through the handler, over mocked clients), test/architecture/ and test/docs/ run; the suites ignored
 * below need moto, cfn-lint, the bundle or a synthesized CDK app, or run the local tools and the benchmark
 * (test/README.md).
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
const config = {
  ...base,
  // src/ too, so that `jest --findRelatedTests src/<file>` (what Stryker runs for each mutant) follows imports
  // through every folder of src/ back to the tests that reach the file.
  roots: [...base.roots, '<rootDir>/src'],
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/integration/',
    '<rootDir>/test/infra/',
    '<rootDir>/test/build/',
    '<rootDir>/infra/cdk/',
    '<rootDir>/test/local/',
    '<rootDir>/test/bench/',
  ],
  globalSetup: undefined,
  reporters: ['default'],
};
module.exports = config;
