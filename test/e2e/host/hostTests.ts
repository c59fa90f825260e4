// Runs inside the real extension host of code-server (the extensionTestsPath route): the extension's
// own API, commands, explorer tree and documents, against a fixture database made by the driver.
// Results go to $ROLLOUT_LENS_E2E_RESULTS as JSON; the driver turns each into a node:test case.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { RolloutLensApi } from '../../../src/extension/extension';
import type { ExplorerNode, GroupNode } from '../../../src/extension/explorer/nodes';
import { EngineMethods } from '../../../src/shared/protocol/engine';

interface Result {
  name: string;
  ok: boolean;
  error?: string;
}

const results: Result[] = [];
const measurements: Record<string, number> = {};

async function test(name: string, fn: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out after 60 s')), 60_000)))]);
    results.push({ name, ok: true });
  } catch (e) {
    results.push({ name, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  } finally {
    clearTimeout(timer);
  }
}

async function children(api: RolloutLensApi, node?: ExplorerNode): Promise<ExplorerNode[]> {
  return api.explorer.getChildren(node);
}

function labelOf(api: RolloutLensApi, n: ExplorerNode): string {
  const item = api.explorer.getTreeItem(n);
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

async function waitUntil(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension<RolloutLensApi>('rollout-lens.rollout-lens');
  let api: RolloutLensApi | undefined;

  await test('the extension activates and returns its API', async () => {
    assert.ok(ext, 'extension rollout-lens.rollout-lens is not installed');
    api = await ext.activate();
    // Its speed is measured (docs/architecture.md#performance), not asserted.
    assert.deepEqual(Object.keys(api).sort(), ['activationMs', 'engine', 'explorer', 'treeView']);
    assert.equal(Number.isFinite(api.activationMs) && api.activationMs > 0, true);
    measurements['activation_ms'] = api.activationMs;
  });
  if (!api) return finish();
  const a = api;

  await test('every contributed command is registered', async () => {
    const contributed = (ext!.packageJSON as { contributes: { commands: Array<{ command: string }> } }).contributes.commands.map(
      (c) => c.command,
    );
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((c) => !registered.has(c)),
      [],
    );
    assert.ok(contributed.length >= 18);
  });

  await test('the explorer lists runs → steps → groups → samples of the fixture database', async () => {
    const runs = await children(a);
    assert.deepEqual(
      runs.map((n) => labelOf(a, n)),
      ['trl', 'verl'],
    );
    const steps = await children(a, runs[1]);
    assert.deepEqual(
      steps.map((n) => labelOf(a, n)),
      ['step 1', 'step 2', 'step 3', 'step 0 (val)'],
    );
    const t0 = performance.now();
    const groups = await children(a, steps[0]);
    measurements['explorer_groups_page_ms'] = performance.now() - t0;
    assert.equal(groups.length, 4);
    // The numbers lead the row; the prompt is its description (issue #25 item 13).
    assert.match(labelOf(a, groups[0]!), /^solve [\d.]+ · spread [\d.–]+ · G=8$/);
    const samples = await children(a, groups[0]);
    assert.equal(samples.length, 8);
    assert.match(labelOf(a, samples[0]!), /^#0 {2}R=−?\d/);
  });

  await test('a sample document shows the stored response, and the full view adds reward and prompt', async () => {
    const first = fs.readFileSync(process.env['ROLLOUT_LENS_E2E_VERL_STEP1']!, 'utf8').split('\n')[0]!;
    const row = JSON.parse(first) as { input: string; output: string };
    const runs = await children(a);
    const steps = await children(a, runs[1]);
    const groups = await children(a, steps[0]);
    let sampleNode: ExplorerNode | undefined;
    for (const g of groups) {
      for (const s of await children(a, g)) {
        if (
          s.kind === 'sample' &&
          s.row.index === 0 &&
          s.parent.row.prompt_preview &&
          row.input.includes(s.parent.row.prompt_preview.slice(0, 30))
        )
          sampleNode = s;
      }
    }
    assert.ok(sampleNode && sampleNode.kind === 'sample', 'no sample #0 of the first prompt in the tree');
    const ref = sampleNode.ref;
    const uri = vscode.Uri.from({
      scheme: 'rollout-lens',
      path: `/sample/verl/train/1/${ref.group}/sample 0 · step 1.md`,
      query: 'part=response',
    });
    const doc = await vscode.workspace.openTextDocument(uri);
    // The response part (what diffs compare) opens with which sample it is and how it scored.
    const head = /^# verl · train step 1 · group [0-9a-f]{16} · sample #0\nreward [^\n]+ · advantage [^\n]+\n\n/.exec(doc.getText());
    assert.ok(head, doc.getText().slice(0, 200));
    assert.equal(doc.getText().slice(head[0].length), row.output);
    const full = await vscode.workspace.openTextDocument(uri.with({ query: 'part=full' }));
    assert.match(full.getText(), /^# verl · train step 1 · group [0-9a-f]{16} · sample #0\n\nreward /);
    assert.ok(full.getText().endsWith(row.output));
  });

  await test("Compare Samples opens the diff editor on a group's best and worst sample", async () => {
    const runs = await children(a);
    const steps = await children(a, runs[1]);
    const groups = await children(a, steps[2]);
    const group = groups[0] as GroupNode;
    const byReward = await a.engine.request(EngineMethods.listSamples, { ...group.ref, sort: 'reward', descending: true });
    // Among tied best and tied worst samples, the pair that parts last (issue #25 item 20).
    const pair = await a.engine.request(EngineMethods.bestWorstPair, group.ref);
    assert.ok(pair, 'the group has a best and a worst sample');
    const { best, worst } = pair;
    const reward = new Map(byReward.map((r) => [r.index, r.reward]));
    assert.deepEqual([reward.get(best), reward.get(worst)], [byReward[0]!.reward, byReward[byReward.length - 1]!.reward]);
    await vscode.commands.executeCommand('rolloutLens.compareSamples', group);
    await waitUntil(() => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputTextDiff, 10_000, 'a diff tab');
    const input = vscode.window.tabGroups.activeTabGroup.activeTab!.input as vscode.TabInputTextDiff;
    assert.equal(input.original.scheme, 'rollout-lens');
    assert.equal(input.original.path, `/sample/verl/train/3/${group.ref.group}/sample ${best} · step 3.md`);
    assert.equal(input.modified.path, `/sample/verl/train/3/${group.ref.group}/sample ${worst} · step 3.md`);
    const left = await vscode.workspace.openTextDocument(input.original);
    const right = await vscode.workspace.openTextDocument(input.modified);
    assert.match(left.getText(), /^# verl · train step 3 · group [0-9a-f]{16} · sample #\d+\nreward /);
    assert.match(right.getText(), /^# verl · train step 3 · group [0-9a-f]{16} · sample #\d+\nreward /);
    const stored = async (index: number): Promise<string> =>
      (await a.engine.request(EngineMethods.getSample, { ...group.ref, index })).response;
    assert.ok(left.getText().endsWith(await stored(best)), 'the left side ends with the best sample');
    assert.ok(right.getText().endsWith(await stored(worst)), 'the right side ends with the worst sample');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  await test('a run row the user expanded comes back expanded when a refresh rebuilds it', async () => {
    const runs = await children(a);
    await a.treeView.reveal(runs[1]!, { expand: true });
    // A refresh builds new nodes for the same rows (as when a run is launched again).
    const rebuilt = await children(a);
    assert.equal(labelOf(a, rebuilt[1]!), 'verl');
    await waitUntil(
      () => a.explorer.getTreeItem(rebuilt[1]!).collapsibleState === vscode.TreeItemCollapsibleState.Expanded,
      5000,
      'the rebuilt row to be expanded',
    );
    assert.equal(a.explorer.getTreeItem(rebuilt[0]!).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
  });

  await test('the engine restarts after being killed and nothing stored is lost', async () => {
    const before = a.engine.pid;
    assert.ok(before, 'the engine is not running');
    process.kill(before, 'SIGKILL');
    await waitUntil(() => a.engine.pid !== undefined && a.engine.pid !== before, 20_000, 'a new engine process');
    const runs = await children(a);
    const info = await a.engine.request(EngineMethods.ping, {});
    assert.deepEqual(
      runs.map((n) => labelOf(a, n)),
      ['trl', 'verl'],
      `the restarted engine: ${JSON.stringify(info)}`,
    );
  });

  finish();
}

function finish(): void {
  const out = process.env['ROLLOUT_LENS_E2E_RESULTS'];
  if (out) fs.writeFileSync(out, JSON.stringify({ results, measurements }, null, 2));
}
