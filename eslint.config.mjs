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
  // Type-aware: typescript-eslint's strictTypeChecked (recommendedTypeChecked and its strict rules), with the few
  // changes below where a rule fights the code. The JavaScript configuration files get no type-checked rules.
  ...tseslint.configs.strictTypeChecked,
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
    // Type-aware rules: a promise nobody awaits may never run before Lambda freezes the process (no-floating-promises,
    // in the preset), and a switch over a union must name every case (a new state of the run cannot be forgotten).
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // The strict preset refuses numbers in template strings too: 210 findings, counts and sizes in messages.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `return reader.problem(...)` records a problem and answers undefined: the property readers' idiom (33 findings).
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // @types/jest types the asymmetric matchers (expect.any, expect.stringMatching, …) as any.
    files: ['test/**/*.ts', 'infra/cdk/test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    // Fakes, stubs and the local tools implement async interfaces with nothing to await; `async` keeps a throw a
    // rejection, which their callers' `.catch` expects. The runner itself (src/, handlers/) keeps the rule.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    // The CDK hands constructs around as interfaces (IConstruct, findChild) and jsii exports plain functions only as
    // static members of a class.
    files: ['infra/cdk/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      '@typescript-eslint/no-extraneous-class': ['error', { allowStaticOnly: true }],
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
