// `npm run package [-- --target=linux-x64|darwin-arm64|darwin-x64|win32-x64|all]`: per-platform VSIXes
// (docs/packaging.md). linux-x64 carries better-sqlite3 prebuilds for Node 20, 22 and 24
// (prebuilds/linux-x64/node-<abi>/, built by scripts/runtimes.mjs; the loader picks by ABI). The
// others carry no better-sqlite3 binary (none can be built here): they run on node:sqlite, or on a
// Node on PATH. Each carries only its own onnxruntime binary. Packed with @vscode/vsce 3.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureNodeModules, ensureRuntimesQuietly, sh } from './setup.mjs';
import { prebuildProblems } from './runtimes.mjs';

export const TARGETS = ['linux-x64', 'darwin-arm64', 'darwin-x64', 'win32-x64'];
const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const wanted = arg('target', `${process.platform}-${process.arch}`);
const targets = wanted === 'all' ? TARGETS : [wanted];
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);

ensureNodeModules();
// A clean production build: vsce's .vscodeignore negations win over later patterns, so stale
// source maps from development builds would otherwise ship.
fs.rmSync('dist', { recursive: true, force: true });
sh('node scripts/build.mjs --production');
if (targets.includes('linux-x64')) {
  await ensureRuntimesQuietly();
  // A binary filed under another ABI's folder would crash the engine of whoever installs the VSIX.
  const problems = prebuildProblems(path.join('prebuilds', 'linux-x64'));
  if (problems.length) {
    console.error(`package: refusing to pack prebuilds/linux-x64: ${problems.join('; ')}. Delete them and run node scripts/runtimes.mjs.`);
    process.exit(1);
  }
}
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
fs.mkdirSync('.artifacts', { recursive: true });
for (const target of targets) {
  const [platform, arch] = target.split('-');
  // Only this target's binaries ship: its onnxruntime folder and its prebuilds (if any).
  const ignore = fs
    .readFileSync('.vscodeignore', 'utf8')
    .replaceAll('bin/napi-v6/linux/x64', `bin/napi-v6/${platform}/${arch}`)
    .replace('!prebuilds/**', `!prebuilds/${target}/**`);
  const ignoreFile = path.join('.artifacts', `.vscodeignore-${target}`);
  fs.writeFileSync(ignoreFile, ignore);
  const out = path.join('.artifacts', `${pkg.name}-${target}-${pkg.version}.vsix`);
  execFileSync(
    process.execPath,
    [
      'node_modules/@vscode/vsce/vsce',
      'package',
      '--target',
      target,
      '--out',
      out,
      '--allow-missing-repository',
      '--skip-license',
      '--no-rewrite-relative-links',
      '--ignoreFile',
      ignoreFile,
    ],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  console.log(`${out}: ${(fs.statSync(out).size / 1e6).toFixed(1)} MB`);
}
