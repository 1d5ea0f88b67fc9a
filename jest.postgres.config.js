// `npm run test:postgres`: the end-to-end suites against the production Temporal server on
// PostgreSQL (one for the whole run, started by test/helpers/postgres-setup.ts), rather than a dev
// server per suite. The fault runs follow in the same npm script.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
  globalSetup: '<rootDir>/test/helpers/postgres-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/postgres-teardown.ts',
};
