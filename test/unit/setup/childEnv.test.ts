// A nested install never sees the outer npm's configuration (scripts/childEnv.mjs).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { childEnv } from '../../../scripts/childEnv.mjs';

describe('the environment of a nested tool', () => {
  it("drops the outer npm's variables and run-script PATH folders, keeps a user's own NPM_CONFIG_*, and adds what it is given", () => {
    const base = {
      HOME: '/root',
      PATH: '/work/x/node_modules/.bin:/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin:/usr/local/bin:/usr/bin',
      npm_config_nodedir: '/usr',
      NPM_CONFIG_USERCONFIG: '/root/.npmrc',
      npm_package_name: 'rollout-lens',
      npm_lifecycle_event: 'test',
      npm_node_execpath: '/usr/bin/node',
      npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
      NODE: '/usr/bin/node',
      INIT_CWD: '/work/x',
      ROLLOUT_LENS_CACHE: '/tmp/c',
    };
    assert.deepEqual(childEnv({ npm_config_nodedir: '/cache/node/22.23.5' }, { base, pathFirst: '/cache/node/22.23.5/bin' }), {
      HOME: '/root',
      PATH: '/cache/node/22.23.5/bin:/usr/local/bin:/usr/bin',
      NPM_CONFIG_USERCONFIG: '/root/.npmrc',
      ROLLOUT_LENS_CACHE: '/tmp/c',
      npm_config_nodedir: '/cache/node/22.23.5',
    });
  });
});
