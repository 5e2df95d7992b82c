import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'reports/**',
      '.stryker-tmp*/**',
      'cdk.out/**',
      // Built into the CDK package (infra/cdk/build.mjs, jsii at prepack): not sources.
      'infra/cdk/runner/**',
      'infra/cdk/parser/index.js',
      'infra/cdk/lib/**/*.js',
      'infra/cdk/lib/**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Type-aware rules: a promise nobody awaits may never run before Lambda freezes the process, and a switch over a
    // union must name every case (a new state of the run cannot be forgotten).
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    // CommonJS configuration files (jest) may require one another.
    files: ['*.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The runner's bundle is built from these: the CDK constructs (infra/cdk) must stay out of it.
    files: ['src/**/*.ts', 'handlers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(aws-cdk-lib|constructs|cdk-nag)(/|$)', message: 'The runner bundle stays free of the CDK.' },
          ],
        },
      ],
    },
  },
);
