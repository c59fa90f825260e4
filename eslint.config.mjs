// Layer boundaries (docs/architecture.md#layers) are enforced here, not by convention.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'fs', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'https', 'stream', 'worker_threads',
  'readline', 'events', 'util', 'url', 'zlib', 'process', 'buffer',
].flatMap((m) => [m, `node:${m}`, `${m}/*`, `node:${m}/*`]);

// A relative import that lands in src/<name> (or webview/<name> for the webview app folders).
const layer = (name) => `^(\\.\\./)+(src/)?${name}(/|$)`;
const restrict = (groups, paths = []) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: paths.map((name) => ({ name, message: 'This layer must not import this module (docs/architecture.md#layers).' })),
      patterns: groups.map(([pattern, message]) =>
        Array.isArray(pattern) ? { group: pattern, message } : { regex: pattern, message },
      ),
    },
  ],
});
const vscodeOnlyInExtension = ['vscode'];
const nativeModules = ['better-sqlite3', 'onnxruntime-node'];

export default tseslint.config(
  { ignores: ['bin/**', '.bench/**', '.venv/**', '**/.venv/**', '.artifacts/**', 'harness/**', 'dist/**', 'node_modules/**', 'out/**', 'test/fixtures/**', '.artifacts/**', 'python/**', 'examples/**/.venv/**', 'harness/**/node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }] },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: restrict(
      [
        [layer('core'), 'shared imports nothing of ours'],
        [layer('engine'), 'shared imports nothing of ours'],
        [layer('extension'), 'shared imports nothing of ours'],
        [layer('cli'), 'shared imports nothing of ours'],
        [nodeBuiltins, 'shared runs in the webview too: no Node built-ins'],
      ],
      [...vscodeOnlyInExtension, ...nativeModules],
    ),
  },
  {
    files: ['src/core/**/*.ts'],
    rules: restrict(
      [
        [layer('engine'), 'core must not depend on the engine process'],
        [layer('extension'), 'core never imports the extension layer'],
        [layer('cli'), 'core must not depend on the CLI'],
      ],
      vscodeOnlyInExtension,
    ),
  },
  {
    files: ['src/engine/**/*.ts', 'src/cli/**/*.ts'],
    rules: restrict([[layer('extension'), 'engine/cli never import the extension layer']], vscodeOnlyInExtension),
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: restrict(
      [
        [layer('core'), 'the extension host talks to the engine; it never imports core (native modules)'],
        [layer('cli'), 'the extension host never imports the CLI'],
        [layer('engine'), 'the extension host talks to the engine over JSON-RPC only'],
      ],
      nativeModules,
    ),
  },
  {
    files: ['webview/**/*.ts'],
    rules: restrict(
      [
        [layer('core'), 'webview imports src/shared only'],
        [layer('engine'), 'webview imports src/shared only'],
        [layer('extension'), 'webview imports src/shared only'],
        [layer('cli'), 'webview imports src/shared only'],
        [nodeBuiltins, 'webview code runs in a browser'],
      ],
      [...vscodeOnlyInExtension, ...nativeModules],
    ),
  },
  {
    // What a webview bundle pulls in: full zod (~450 KB minified) stays out, so these files use
    // zod/mini and import the engine protocol (full zod) for types only; and each app imports
    // webview/shared and src/shared, never another app. A separate rule key, so the layer rules
    // above still apply to the same files.
    files: ['webview/**/*.ts', 'src/shared/protocol/webviews/**/*.ts', 'src/shared/protocol/atoms.ts', 'src/shared/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', message: 'webview bundles use zod/mini: full zod is ~450 KB minified' }],
          patterns: [
            { regex: '(^|/)protocol/(engine|runs)$', allowTypeImports: true, message: 'the engine protocol uses full zod: import its types only' },
            { regex: '^\\.\\./(engine|runs)$', allowTypeImports: true, message: 'the engine protocol uses full zod: import its types only' },
          ],
        },
      ],
    },
  },
  {
    files: ['webview/*/**/*.ts'],
    ignores: ['webview/shared/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value=/^\\.\\.\\/(?!shared\\/|\\.\\.\\/)/]",
          message: 'a webview app imports webview/shared and src/shared only, never another app',
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'scripts/**/*.mjs'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', URL: 'readonly', URLSearchParams: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
        setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', Buffer: 'readonly', fetch: 'readonly', performance: 'readonly',
      },
    },
  },
);
