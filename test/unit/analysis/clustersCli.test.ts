// `rollout-lens clusters` (docs/cli.md#clusters) and naming clusters by the user's endpoint
// (docs/algorithms.md#failure-clusters) against a local stub OpenAI-compatible server: what is sent,
// the names read back, and the fallback to the terms with one message when the endpoint fails.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLUSTER_COMMANDS, parseSteps } from '../../../src/cli/commands/clusters';
import { main } from '../../../src/cli/main';
import type { Values } from '../../../src/cli/command';
import { UsageError } from '../../../src/cli/output';
import { nameClusters, namingRequest, readNames } from '../../../src/core/analysis/clusterNaming';
import { failureClusters } from '../../../src/core/analysis/failureClusters';
import { Ingestor } from '../../../src/core/ingest/ingestor';
import { Store } from '../../../src/core/store/store';
import { EngineServer } from '../../../src/engine/server';
import { RpcEndpoint } from '../../../src/shared/protocol/rpc';
import type { ClusterReport } from '../../../src/shared/clusters';
import { tempDir, transportPair, writeJsonl } from '../../helpers';
import { failureRun } from './failureTexts';

/** Answers every chat request with `reply` (or fails with `status`), keeping the prompts it got. */
class StubEndpoint {
  readonly prompts: string[] = [];
  reply = '';
  status = 200;
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    this.prompts.push((JSON.parse(raw) as { messages: Array<{ content: string }> }).messages[0]!.content);
    if (this.status !== 200) {
      res.writeHead(this.status).end('overloaded');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { content: this.reply } }] }));
  }
}

/** Runs the command from its options, or (an array) from the command line as `rollout-lens` parses it. */
async function capture(values: Values | string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const [wo, we] = [process.stdout.write.bind(process.stdout), process.stderr.write.bind(process.stderr)];
  // Strings are the command's; the test runner's own reports (bytes) pass through.
  process.stdout.write = ((c: string | Uint8Array, ...rest: unknown[]) =>
    typeof c === 'string' ? (out.push(c), true) : wo(c, ...(rest as []))) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array, ...rest: unknown[]) =>
    typeof c === 'string' ? (err.push(c), true) : we(c, ...(rest as []))) as typeof process.stderr.write;
  try {
    const code = Array.isArray(values) ? await main(['clusters', ...values]) : await CLUSTER_COMMANDS['clusters']!.run(values, []);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = wo;
    process.stderr.write = we;
  }
}

describe('clusters: CLI and naming by endpoint', () => {
  const stub = new StubEndpoint();
  let url = '';
  let db = '';
  let report: ClusterReport;
  before(async () => {
    url = await stub.start();
    const dir = tempDir();
    db = path.join(dir, 'db.sqlite');
    writeJsonl(path.join(dir, 'r.jsonl'), failureRun());
    const store = Store.open(db);
    try {
      await new Ingestor(store, [path.join(dir, 'r.jsonl')], { run: 'r' }).ingestOnce();
      report = failureClusters(store, { run: 'r', selection: { kind: 'wrong' } });
    } finally {
      store.close();
    }
  });
  after(() => stub.stop());

  test('--json prints the report', async () => {
    const r = await capture({ db, run: 'r', wrong: true, steps: '1-3', seed: '1', json: true });
    assert.equal(r.code, 0);
    const j = JSON.parse(r.out) as ClusterReport;
    assert.deepEqual(
      [j.run, j.split, j.from, j.to, j.selected, j.clustered, j.capped, j.k, j.k_rule],
      ['r', 'train', 1, 3, 90, 90, false, 3, 'silhouette'],
    );
    assert.deepEqual(
      j.clusters.map((c) => c.size),
      [40, 30, 20],
    );
    assert.deepEqual(j.clusters, report.clusters);
    assert.equal(j.naming, null);
    assert.equal(r.err, '');
  });

  test('--k and a text selection; the table names each cluster', async () => {
    const r = await capture({ db, run: 'r', text: 'answer', k: '2' });
    assert.equal(r.code, 0);
    // The 46 right answers hold only words nearly every matching response has: set apart beside the k = 2.
    assert.match(
      r.out,
      /^r \(train, all steps\): 106 samples matching "answer"\nclustered all 106 \(seed 1\)\nk = 2 \(given\), 160 terms\n\n/,
    );
    assert.match(
      r.out,
      /\n#1 {2}46 \(43\.4%\) {2}no distinctive words \(empty, or only words nearly every response has\)\n {4}step 1 group s1-g0 #1: So the answer is \\boxed\{12\}\.\n/,
    );
    assert.match(r.out, /\n#3 {2}20 \(18\.9%\) {2}inches, centimeters, # inches, is #, it is\n/);
  });

  test('from the command line: the same JSON; bad usage exits 2', async () => {
    const r = await capture(['--db', db, '--run', 'r', '--wrong', '--steps', '1-3', '--seed', '1', '--k', '3', '--cap', '50', '--json']);
    assert.equal(r.code, 0);
    const j = JSON.parse(r.out) as ClusterReport;
    assert.deepEqual([j.selected, j.clustered, j.capped, j.k, j.k_rule, j.seed], [90, 50, true, 3, 'given', 1]);
    const bad = await capture(['--db', db, '--run', 'r', '--steps', '3-1']);
    assert.equal(bad.code, 2);
    assert.equal(
      bad.err,
      'rollout-lens: --steps: the step range 3-1 is empty: its first step is after its last (see rollout-lens --help)\n',
    );
  });

  test('bad usage', async () => {
    await assert.rejects(capture({ db, run: 'r', wrong: true, text: 'x' }), UsageError);
    await assert.rejects(capture({ db, run: 'r', alert: 'nope' }), UsageError);
    await assert.rejects(capture({ db, run: 'r', 'name-endpoint': url }), UsageError);
    assert.deepEqual(parseSteps('5'), { from: 5, to: 5 });
    assert.deepEqual(parseSteps('5-'), { from: 5 });
    assert.deepEqual(parseSteps('-7'), { to: 7 });
    assert.throws(() => parseSteps('7-5'), UsageError);
    assert.throws(() => parseSteps('a-b'), UsageError);
  });

  test('what is sent: sizes, terms and the previews, stated before sending', () => {
    const { prompt, sent } = namingRequest(report);
    for (const c of report.clusters) for (const e of c.examples) assert.ok(prompt.includes(`- ${e.preview}\n`));
    assert.equal(
      sent,
      `3 clusters' sizes and terms and 9 example previews (at most 3 per cluster, the first 160 characters of each response as listed): ${prompt.length} characters in one request`,
    );
  });

  test("the endpoint's names replace the terms", async () => {
    stub.reply = '1: Arithmetic slips\n**2**: "Rambling, never answers"\nCluster 3 - Wrong units\n';
    const heard: string[] = [];
    const named = await nameClusters(report, { url, model: 'm', apiKey: null }, { onSending: (m) => heard.push(m) });
    assert.deepEqual(
      named.clusters.map((c) => [c.name, c.named_by]),
      [
        ['Arithmetic slips', 'endpoint'],
        ['Rambling, never answers', 'endpoint'],
        ['Wrong units', 'endpoint'],
      ],
    );
    assert.deepEqual(
      named.clusters.map((c) => c.terms),
      report.clusters.map((c) => c.terms),
    );
    assert.equal(named.naming!.ok, true);
    assert.equal(named.naming!.message, null);
    assert.equal(named.naming!.endpoint, `${url}/chat/completions`);
    assert.equal(stub.prompts.at(-1), namingRequest(report).prompt);
    assert.equal(heard.length, 1);
    assert.ok(heard[0]!.startsWith(`naming clusters by ${url}/chat/completions (model m): sending 3 clusters' sizes and terms`));
  });

  test('a failing endpoint keeps the terms, with one message', async () => {
    stub.status = 503;
    const before = stub.prompts.length;
    const r = await capture({ db, run: 'r', json: true, 'name-endpoint': url, 'name-model': 'm' });
    stub.status = 200;
    assert.equal(r.code, 0);
    assert.equal(stub.prompts.length - before, 2); // one request, retried once
    const j = JSON.parse(r.out) as ClusterReport;
    assert.deepEqual(
      j.clusters.map((c) => c.name),
      report.clusters.map((c) => c.terms.join(', ')),
    );
    assert.equal(j.naming!.ok, false);
    assert.match(
      j.naming!.message!,
      /^cluster names by endpoint failed, kept the terms: verifier endpoint .* failed after 2 attempts: HTTP 503: overloaded$/,
    );
    const lines = r.err.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^rollout-lens: naming clusters by .*: sending 3 clusters' sizes and terms/);
    assert.equal(lines[1], `rollout-lens: ${j.naming!.message}`);
  });

  test('an answer without names keeps the terms; partial names are said', async () => {
    stub.reply = 'I cannot help with that.';
    const none = await nameClusters(report, { url, model: 'm', apiKey: null });
    assert.equal(none.naming!.message, 'the endpoint gave no "<number>: <name>" lines; kept the terms');
    assert.ok(none.clusters.every((c) => c.named_by === 'terms'));
    stub.reply = '2: Rambles';
    const some = await nameClusters(report, { url, model: 'm', apiKey: null });
    assert.deepEqual(
      some.clusters.map((c) => c.named_by),
      ['terms', 'endpoint', 'terms'],
    );
    assert.equal(some.naming!.message, 'the endpoint named 1 of 3 clusters; the rest keep their terms');
    assert.deepEqual(
      [...readNames('3. Units\n1) Slips\n3: again')],
      [
        [3, 'Units'],
        [1, 'Slips'],
      ],
    );
  });

  test('the engine request: the same report; naming logs what it sends', async () => {
    const [a, b] = transportPair();
    const server = new EngineServer(new RpcEndpoint(b));
    const client = new RpcEndpoint(a);
    const logs: string[] = [];
    client.onAnyNotification((method, params) => {
      if (method === 'engine/log') logs.push((params as { message: string }).message);
    });
    try {
      await client.request('initialize', { db });
      const got = (await client.request('analysis/clusters', { run: 'r', selection: { kind: 'wrong' } })) as ClusterReport;
      assert.deepEqual(got, report);
      stub.reply = '1: Slips\n2: Rambles\n3: Units';
      const named = (await client.request('analysis/clusters', {
        run: 'r',
        selection: { kind: 'wrong' },
        naming: { url, model: 'm' },
      })) as ClusterReport;
      assert.deepEqual(
        named.clusters.map((c) => c.name),
        ['Slips', 'Rambles', 'Units'],
      );
      assert.ok(logs.some((l) => l.startsWith(`naming clusters by ${url}/chat/completions (model m): sending 3 clusters'`)));
      await assert.rejects(
        client.request('analysis/clusters', { run: 'r', selection: { kind: 'labels' } }),
        /analysis\/clusters: selection/,
      );
    } finally {
      await server.dispose();
    }
  });
});
