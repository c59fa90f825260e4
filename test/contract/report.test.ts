// report/write through the engine (EngineServer behind its JSON-RPC endpoint, a real SQLite store):
// what the group view's "Share as HTML…" asks for. The file is written where asked, with the user's
// estimator in its snapshot; paths that could name another file are refused before any work.
// Needs dist/webview (node scripts/build.mjs): the report inlines the bundles.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EngineServer } from '../../src/engine/server';
import type { ReportSummary } from '../../src/shared/report';
import { RpcEndpoint } from '../../src/shared/protocol/rpc';
import { tempDir, transportPair, writeJsonl } from '../helpers';

const ref = { run: 'r', split: 'train', step: 1, group: 'g' };
let dir: string;
let client: RpcEndpoint;
let server: EngineServer | undefined;

before(async () => {
  dir = tempDir('rl-report-engine-');
  const file = path.join(dir, 'r.jsonl');
  writeJsonl(
    file,
    [1, 0, 0.5].map((reward, index) => ({ step: 1, group: 'g', index, prompt: 'What is 2+2?', response: `try ${index}`, reward })),
  );
  const [a, b] = transportPair();
  server = new EngineServer(new RpcEndpoint(b));
  client = new RpcEndpoint(a);
  await client.request('initialize', { db: path.join(dir, 'a.db') });
  await client.request('ingest', { paths: [file], run: 'r' });
});

after(() => server?.dispose());

describe('report/write', () => {
  it('writes the group’s report where asked, opening on the user’s estimator', async () => {
    const out = path.join(dir, 'share.html');
    const r = (await client.request('report/write', { ...ref, path: out, estimator: 'rloo', epsilon: 0.2 })) as ReportSummary;
    assert.deepEqual(
      { ...r, bytes: r.bytes > 0 },
      {
        path: out,
        bytes: true,
        samples: 3,
        images: 0,
        images_left_out: 0,
        tokens_left_out: 0,
        labels: 0,
        step: 1,
        group: 'g',
        cluster: null,
      },
    );
    const html = fs.readFileSync(out, 'utf8');
    assert.equal(fs.statSync(out).size, r.bytes);
    assert.equal(html.includes('"estimator":"rloo","shared_report":true'), true);
    assert.equal(fs.existsSync(`${out}.partial`), false);
  });

  it('refuses a relative path, one with "..", or one not ending in .html, writing nothing', async () => {
    const refused = async (p: string): Promise<string> => {
      try {
        await client.request('report/write', { ...ref, path: p });
        return 'written';
      } catch (e) {
        return (e as Error).message;
      }
    };
    assert.deepEqual(
      [await refused('share.html'), await refused(`${dir}/../share.html`), await refused(path.join(dir, 'share.js'))],
      [
        'report path must be absolute: "share.html"',
        `report path must not contain "..": ${JSON.stringify(`${dir}/../share.html`)}`,
        `report path must end in .html: ${JSON.stringify(path.join(dir, 'share.js'))}`,
      ],
    );
    assert.deepEqual(
      [fs.existsSync(path.join(dir, 'share.js')), fs.existsSync(path.join(path.dirname(dir), 'share.html'))],
      [false, false],
    );
  });
});
