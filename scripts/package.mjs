// `npm run package [-- --target linux-x64]`: a per-platform VSIX. Builds minified bundles, puts the
// better-sqlite3 binary of this runtime under prebuilds/<platform>-<arch>/node-<abi>/ (the native
// loader picks by runtime and ABI; scripts/rebuild-native.mjs adds Electron ABIs where the network
// allows), and packs with @vscode/vsce 3 (4 needs Node 22). Other platforms: docs/packaging.md.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureNodeModules, sh } from './setup.mjs';

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const target = arg('target', `${process.platform}-${process.arch}`);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);

ensureNodeModules();
// A clean production build: vsce's .vscodeignore negations win over later patterns, so stale
// source maps from development builds would otherwise ship.
fs.rmSync('dist', { recursive: true, force: true });
sh('node scripts/build.mjs --production');
const [platform, arch] = target.split('-');
if (platform === process.platform && arch === process.arch) {
  const dest = path.join('prebuilds', target, `node-${process.versions.modules}`);
  fs.mkdirSync(dest, { recursive: true });
  fs.copyFileSync('node_modules/better-sqlite3/build/Release/better_sqlite3.node', path.join(dest, 'better_sqlite3.node'));
} else {
  console.warn(`packaging for ${target} from ${process.platform}-${process.arch}: no better-sqlite3 binary for it is built here; add prebuilds/${target}/… first (docs/packaging.md)`);
}
// Only the target's onnxruntime binary ships: the ignore file names linux/x64; other targets get their own.
const ignoreFile = path.join('.artifacts', `.vscodeignore-${target}`);
fs.mkdirSync('.artifacts', { recursive: true });
fs.writeFileSync(ignoreFile, fs.readFileSync('.vscodeignore', 'utf8').replaceAll('bin/napi-v6/linux/x64', `bin/napi-v6/${platform}/${arch}`));
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const out = path.join('.artifacts', `${pkg.name}-${target}-${pkg.version}.vsix`);
execFileSync(process.execPath, ['node_modules/@vscode/vsce/vsce', 'package', '--target', target, '--out', out, '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '--ignoreFile', ignoreFile], {
  stdio: 'inherit',
});
const mb = fs.statSync(out).size / 1e6;
console.log(`\n${out}: ${mb.toFixed(1)} MB`);
