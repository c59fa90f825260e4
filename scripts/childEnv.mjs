// The environment for a nested tool (npm, node-gyp, a code-server install or start).
//
// Under `npm test` or `npm run demo`, npm exports its whole configuration as npm_config_* variables
// (a user's `nodedir=/usr` in ~/.npmrc becomes npm_config_nodedir), plus npm_package_*,
// npm_lifecycle_*, npm_node_execpath, NODE and INIT_CWD. node-gyp lets npm_config_* override its own
// command-line flags, so a nested build asked for Node 22's headers silently took the system Node's
// (docs/packaging.md#runtimes, "Nested tools"). Every child install starts from this environment
// instead, plus exactly the variables it needs.

/**
 * Variables an outer npm sets that must not reach a nested tool. npm exports its configuration in
 * lower case; a user's own NPM_CONFIG_* (upper case, e.g. a registry mirror) stays, and node-gyp only
 * reads the lower-case form.
 */
const NPM_PREFIXES = ['npm_config_', 'npm_package_', 'npm_lifecycle_'];
const NPM_NAMES = new Set(['npm_node_execpath', 'npm_execpath', 'npm_command', 'NODE', 'INIT_CWD']);

/** True for a variable the outer npm put there. */
export function isNpmVariable(name) {
  return NPM_NAMES.has(name) || NPM_PREFIXES.some((p) => name.startsWith(p));
}

/**
 * `base` without the outer npm's variables, with `extra` on top. PATH loses the folders npm's
 * run-script put first (node_modules/.bin of this package, npm's node-gyp-bin); `pathFirst` (a
 * Node distribution's bin folder) goes in front, so a nested install runs on that Node.
 */
export function childEnv(extra = {}, { pathFirst, base = process.env } = {}) {
  const env = {};
  for (const [k, v] of Object.entries(base)) {
    if (v !== undefined && !isNpmVariable(k)) env[k] = v;
  }
  if (env.PATH) {
    env.PATH = env.PATH.split(':')
      .filter((dir) => !/[\\/]node_modules[\\/]\.bin$/.test(dir) && !/[\\/]node-gyp-bin$/.test(dir))
      .join(':');
  }
  if (pathFirst) env.PATH = env.PATH ? `${pathFirst}:${env.PATH}` : pathFirst;
  return { ...env, ...extra };
}
