// Rebuilds better-sqlite3 for a runtime and stores the binary where the native loader looks:
// prebuilds/<platform>-<arch>/<runtime>-<abi>/better_sqlite3.node.
//   node scripts/rebuild-native.mjs [--runtime=node|electron] [--target=VERSION] [--abi=N]
// Electron needs its headers from electronjs.org (network); Node uses the local headers (nodedir).
import { execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const runtime = arg('runtime', 'node');
const target = arg('target', process.versions.node);
const abi = arg('abi', runtime === 'node' ? process.versions.modules : undefined);
if (!abi) {
  console.error(
    'rebuild-native: --abi is required for electron (VS Code: Help → About shows Electron; its ABI is process.versions.modules in the extension host)',
  );
  process.exit(2);
}
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const pkg = path.join(root, 'node_modules', 'better-sqlite3');
const env = { ...process.env };
const flags =
  runtime === 'electron' ? `--runtime=electron --target=${target} --dist-url=https://electronjs.org/headers` : `--target=${target}`;
console.log(`rebuilding better-sqlite3 for ${runtime} ${target} (ABI ${abi}) in ${pkg}`);
try {
  execSync(`npx --yes node-gyp rebuild --release ${flags}`, { cwd: pkg, stdio: 'inherit', env });
} catch {
  console.error(
    `rebuild-native: the build failed. For electron this needs network access to electronjs.org; offline, build on a machine with access and copy prebuilds/ over.`,
  );
  process.exit(1);
}
const out = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`, `${runtime}-${abi}`);
fs.mkdirSync(out, { recursive: true });
fs.copyFileSync(path.join(pkg, 'build', 'Release', 'better_sqlite3.node'), path.join(out, 'better_sqlite3.node'));
console.log(`installed ${path.join(out, 'better_sqlite3.node')}; reload the window to use it`);
