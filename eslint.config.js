// Lint: typescript-eslint's type-checked recommended rules over src/ and spec/.
// `npm run lint` must report 0 findings; a rule is turned off only with its reason.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'node_modules/**', 'scratch/**', 'docs/**', 'coverage/**', 'test-package/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      // A leading underscore marks a callback parameter kept for its position.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      // Exit reasons are any value by design ('normal', { shutdown }, a user's term), and
      // done/call/subscribe promises reject with the reason itself, as GenStage reports it.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      // ExitReason and similar unions list their documented values beside `unknown` on purpose.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
    },
  },
);
