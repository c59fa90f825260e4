// esbuild, one context per bundle. `node scripts/build.mjs [--watch] [--production]`.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
// Native and ABI-specific modules are loaded at run time through src/core/store/nativeLoader.ts.
const nativeExternals = ['better-sqlite3', 'onnxruntime-node'];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

/** @type {esbuild.BuildOptions[]} */
export const bundles = [
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['src/engine/main.ts'], outfile: 'dist/engine.js', external: nativeExternals },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    external: nativeExternals,
  },
  // The ingest's parsing worker thread, found beside engine.js / cli.js (src/core/ingest/parsedBatches.ts).
  { ...common, entryPoints: ['src/core/ingest/ingestWorker.ts'], outfile: 'dist/ingestWorker.js', external: nativeExternals },
];

/** Webview apps (browser bundles) are added by the webview issue: webview/<app>/main.ts → dist/webview/<app>.js */
for (const app of fs.existsSync('webview') ? fs.readdirSync('webview') : []) {
  const entry = `webview/${app}/main.ts`;
  if (!fs.existsSync(entry)) continue;
  bundles.push({
    bundle: true,
    platform: 'browser',
    target: 'chrome120',
    format: 'iife',
    entryPoints: [entry],
    outfile: `dist/webview/${app}.js`,
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
    // KaTeX's CSS lists woff2, woff and ttf for each font; every browser a webview runs in takes woff2.
    loader: { '.css': 'css', '.woff2': 'file', '.woff': 'empty', '.ttf': 'empty' },
  });
}

const started = Date.now();
const contexts = await Promise.all(bundles.map((b) => esbuild.context(b)));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log(`watching ${bundles.length} bundles`);
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  console.log(`built ${bundles.length} bundles in ${Date.now() - started} ms`);
}
