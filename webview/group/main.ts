// The group view: a group's prefix tree beside its samples, and one sample in full. Waits for the
// host's complete snapshot after the ready handshake; keeps its UI state in a versioned checkpoint.
import '../shared/base.css';
import './group.css';
import type { SampleDetail } from '../../src/shared/explorer';
import {
  ADVANTAGE_ESTIMATORS,
  ESTIMATOR_LABELS,
  estimatorAvailable,
  type AdvantageEstimator,
} from '../../src/shared/protocol/webviews/advantages';
import { GroupMessages, type GroupSnapshot, type SampleColumn } from '../../src/shared/protocol/webviews/group';
import { ErrorNotification } from '../../src/shared/protocol/webviews/ipc';
import { ChunkedText } from '../shared/chunkedText';
import { clear, el, message } from '../shared/dom';
import { fmt, percent } from '../shared/format';
import { HostConnection } from '../shared/host';
import { ViewPaint } from '../shared/paint';
import { badge, button, checkbox, dropdown, registerControls, setDropdownValue, textField } from '../shared/ui';
import { NodePanel } from './nodePanel';
import { SampleDetailView } from './sampleDetail';
import { NodeTextCache } from './nodeTexts';
import { SampleList, viewAdvantages } from './sampleList';
import { GroupUiStore, defaultUi, type GroupUi } from './state';
import { PrefixTreeView } from './treeView';
import { pathOf } from './tokenSpans';
import { TokenSection } from './tokenSection';
import { MediaSection } from './mediaSection';
import { GameSection } from './gameSection';
import { TimelineSection } from './timelineSection';
import { JudgingSection } from './judgingSection';
import { isTimelineColumn } from './timelineColumns';
import { isBoxColumn } from './boxColumns';
import { hasBoxes } from './boxLayout';
import { counted } from '../../src/shared/text';
import { groupLabelsLine } from './labelsView';

registerControls();
const host = new HostConnection();
const restored = GroupUiStore.fromCheckpoint(host.savedState());
const store = new GroupUiStore(restored?.ui ?? defaultUi(), (c) => host.saveState(c));
store.ref = restored?.ref ?? null;

let snap: GroupSnapshot | null = null;
const details = new Map<number, SampleDetail>();
const nodeTexts = new NodeTextCache((ids) => host.request(GroupMessages.nodeTexts, { ids }));
let detailRequest = 0;
let nodeRequest = 0;

const headerInfo = el('div', { cls: 'group-info' });
const app = document.getElementById('app') ?? document.body.appendChild(el('main', { attrs: { id: 'app' } }));
const paint = new ViewPaint(app);

const tree = new PrefixTreeView({
  select: (id) => store.update({ selectedNode: store.ui.selectedNode === id ? null : id }),
  toggle: (id) => {
    const collapsed = new Set(store.ui.collapsed);
    if (collapsed.has(id)) collapsed.delete(id);
    else collapsed.add(id);
    store.update({ collapsed });
  },
});
const nodePanel = new NodePanel((id) => selectNode(id));
const list = new SampleList({
  select: (index) => store.update({ selectedSample: index }),
  sort: (column: SampleColumn) =>
    store.update({ sort: { column, descending: store.ui.sort.column === column ? !store.ui.sort.descending : column !== 'index' } }),
  hover: (index) => hoverSample(index),
});
const media = new MediaSection({
  load: (image) => host.request(GroupMessages.image, { image }),
  select: (index) => store.update({ selectedSample: index }),
  hover: (index) => hoverSample(index, true),
});

const timeline = new TimelineSection({
  select: (index) => store.update({ selectedSample: index }),
  hover: (index) => hoverSample(index, true),
  frames: (times, width) => host.request(GroupMessages.frames, { times, width }),
});

const game = new GameSection({
  load: (image) => host.request(GroupMessages.image, { image }),
  showOnly: (indices) => list.showOnly(indices, store.ui),
});

const judging = new JudgingSection({ select: (index) => store.update({ selectedSample: index }) });

/** A row, a box or a segment under the pointer: the sample's row, its boxes and its timeline row light up together. */
function hoverSample(index: number | null, fromBox = false): void {
  list.highlight(index, fromBox);
  media.highlight(index);
  timeline.highlight(index);
}
const detail = new SampleDetailView({
  compare: (index) => host.notify(GroupMessages.compare, { index }),
  rescore: () => host.notify(GroupMessages.rescore, {}),
  label: (index) => host.notify(GroupMessages.label, { index }),
  openDocument: (index) => host.notify(GroupMessages.openSample, { index }),
  // One control for TEMPO: underlining tokens by TEMPO advantage also shows TEMPO everywhere else
  // (the sample list, the token overlay), so the two never disagree.
  setTokenHeat: (tokenHeat) => {
    store.update(tokenHeat ? { tokenHeat, estimator: 'tempo' } : { tokenHeat });
    if (tokenHeat) setDropdownValue(estimatorChoice, 'tempo');
  },
});

const tokenSection = new TokenSection(
  (index) => host.request(GroupMessages.tokens, { index }),
  (tokenMode) => store.update({ tokenMode }),
);

const estimatorChoice = dropdown(
  ADVANTAGE_ESTIMATORS.map((e) => ({ value: e, label: `Advantage: ${ESTIMATOR_LABELS[e]}` })),
  store.ui.estimator,
  // Another estimator than TEMPO ends the TEMPO underline.
  (estimator) => store.update(estimator === 'tempo' ? { estimator } : { estimator, tokenHeat: false }),
  { label: 'Advantage estimator', id: 'estimator' },
);
const filters = el('div', { cls: 'toolbar filters' }, [
  estimatorChoice,
  textField('Filter responses…', store.ui.filter.text, (text) => store.update({ filter: { ...store.ui.filter, text } }), {
    label: 'Filter samples by text',
    id: 'filter-text',
  }),
  dropdown(
    [
      { value: 'any', label: 'Any finish' },
      { value: 'stop', label: 'Stopped' },
      { value: 'length', label: 'Truncated' },
    ] as const,
    store.ui.filter.finish,
    (finish) => store.update({ filter: { ...store.ui.filter, finish } }),
    { label: 'Finish reason' },
  ),
  dropdown(
    [
      { value: 'any', label: 'Correct or not' },
      { value: 'correct', label: 'Correct' },
      { value: 'wrong', label: 'Wrong' },
    ] as const,
    store.ui.filter.correct,
    (correct) => store.update({ filter: { ...store.ui.filter, correct } }),
    { label: 'Correctness (the run’s success rule)', id: 'filter-correct' },
  ),
  checkbox(
    'Only through selected node',
    store.ui.filter.throughSelected,
    (throughSelected) => store.update({ filter: { ...store.ui.filter, throughSelected } }),
    { id: 'through-selected' },
  ),
]);

clear(app);
app.append(
  el('header', { cls: 'group-header' }, [headerInfo]),
  el('div', { cls: 'tree-column' }, [
    game.root,
    judging.root,
    media.root,
    timeline.root,
    el('div', { cls: 'toolbar' }, [
      button('Fit', () => tree.fit(), { secondary: true, title: 'Zoom to fit the whole tree' }),
      button('Expand all', () => store.update({ collapsed: new Set() }), { secondary: true }),
      button('Collapse branches', () => store.update({ collapsed: new Set(snap?.tree?.branches.map((b) => b.node) ?? []) }), {
        secondary: true,
      }),
    ]),
    tree.root,
    nodePanel.root,
  ]),
  el('div', { cls: 'samples-column' }, [filters, list.root, detail.root]),
);

/** The estimator a judged group trains with (BRPO, then multi-RM, then VeriFree), when it logged what it needs. */
function judgedDefault(s: GroupSnapshot): AdvantageEstimator | null {
  return (['brpo', 'multi-rm', 'verifree'] as const).find((e) => estimatorAvailable(e, s.judging)) ?? null;
}

/** BRPO, multi-RM and VeriFree are offered only where the group logged what they need. */
function offerEstimators(s: GroupSnapshot): void {
  for (const option of estimatorChoice.querySelectorAll('vscode-option')) {
    const value = option.getAttribute('value');
    const known = ADVANTAGE_ESTIMATORS.find((e) => e === value);
    if (known) (option as HTMLElement).hidden = !estimatorAvailable(known, s.judging);
  }
  if (!estimatorAvailable(store.ui.estimator, s.judging)) store.ui.estimator = s.estimator;
  setDropdownValue(estimatorChoice, store.ui.estimator);
}

function selectNode(id: number): void {
  // Expand the node's ancestors so it is on screen.
  const byId = new Map(snap?.tree?.nodes.map((n) => [n.id, n]) ?? []);
  const collapsed = new Set(store.ui.collapsed);
  for (let p = byId.get(id)?.parent ?? null; p !== null; p = byId.get(p)?.parent ?? null) collapsed.delete(p);
  store.update({ selectedNode: id, ...(collapsed.size !== store.ui.collapsed.size ? { collapsed } : {}) });
  tree.reveal(id, false);
}

function renderHeader(s: GroupSnapshot): void {
  clear(headerInfo);
  const t = s.tree;
  const badges: HTMLElement[] = [];
  if (t && !t.exact) {
    const b = badge('approximate tree', t.warnings.join('\n'));
    b.id = 'approximate-badge';
    b.classList.add('warn');
    badges.push(b);
  } else if (t) badges.push(badge('exact tokens', 'Built from the logged token ids'));
  headerInfo.append(
    el('h1', { text: `${s.ref.run} · step ${s.ref.step}${s.ref.split === 'val' ? ' (val)' : ''} · group ${s.ref.group}` }, badges),
    el('div', {
      cls: 'muted',
      title: `Solved = ${s.success_rule}`,
      text: [
        `G = ${s.samples.length}`,
        `solved ${s.samples.filter((x) => x.success).length} of ${s.samples.length}`,
        t ? `mean ${fmt(t.mean)} ± ${fmt(t.std)}` : null,
        t ? `${counted(t.nodes.length, 'node')}, ${counted(t.branches.length, 'branch point')}` : null,
        t ? `δ ≠ 0 on ${percent(t.delta_token_fraction)} of tokens` : null,
      ]
        .filter(Boolean)
        .join(' · '),
    }),
  );
  // A shared report has no run database behind it: actions that need one are not offered.
  if (!s.shared_report)
    headerInfo.append(
      el('div', { cls: 'toolbar' }, [
        button('This prompt over time', () => host.notify(GroupMessages.promptTimeline, {}), {
          secondary: true,
          id: 'prompt-timeline',
          title: 'Every step this prompt was asked in: solve rate, reward, when it stopped carrying gradient',
        }),
        button('Share as HTML…', () => host.notify(GroupMessages.share, {}), {
          secondary: true,
          id: 'share-html',
          title: 'Write this group, its samples and the run’s dashboard as one HTML file that opens in any browser',
        }),
      ]),
    );
  headerInfo.append(groupLabelsLine(s, () => host.notify(GroupMessages.label, {})));
  for (const w of t?.warnings ?? []) headerInfo.append(el('div', { cls: 'warning', text: w, attrs: { role: 'note' } }));
  if (s.tree_error) headerInfo.append(message(`No prefix tree: ${s.tree_error}`, 'error'));
  const prompt = new ChunkedText(s.prompt, [], { math: true, chunkChars: 3000 });
  headerInfo.append(el('details', { cls: 'prompt' }, [el('summary', { text: 'Prompt' }), prompt.root]));
  if (s.ground_truth !== null)
    headerInfo.append(el('div', { cls: 'muted ground-truth-line', text: `Ground truth: ${s.ground_truth.slice(0, 300)}` }));
}

function advantageOf(index: number): number | undefined {
  return snap ? viewAdvantages(snap, store.ui.estimator).get(index) : undefined;
}

async function showDetail(ui: GroupUi): Promise<void> {
  const s = snap;
  const index = ui.selectedSample;
  if (!s || index === null) return;
  const mine = ++detailRequest;
  let d = details.get(index);
  if (!d) {
    detail.showLoading(index);
    try {
      d = await host.request(GroupMessages.sample, { index });
      details.set(index, d);
    } catch (e) {
      if (mine === detailRequest) detail.showError(`Could not load sample #${index}: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
  }
  if (ui.tokenHeat && s.tree?.exact) {
    try {
      await nodeTexts.ensure(pathOf(s.tree, index));
    } catch (e) {
      if (mine === detailRequest)
        detail.showError(`Could not load the tokens of sample #${index}: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
  }
  await tokenSection.prepare(index, store.ui);
  if (mine === detailRequest)
    detail.show(d, s, store.ui, advantageOf(index), (n) => nodeTexts.textOf(n), tokenSection.elements(d, s, store.ui));
}

/** Shows the selected node at once with its preview, then with its full text once fetched. */
async function showNode(id: number | null): Promise<void> {
  const s = snap;
  const node = id === null ? undefined : s?.tree?.nodes.find((n) => n.id === id);
  const mine = ++nodeRequest;
  nodePanel.showNode(s?.tree ?? null, id, node ? nodeTexts.textOf(node) : undefined);
  if (!node || nodeTexts.textOf(node) !== undefined) return;
  try {
    await nodeTexts.ensure([node]);
  } catch {
    return; // the preview stays; the request error was logged by the host
  }
  if (mine === nodeRequest) nodePanel.showNode(s?.tree ?? null, id, nodeTexts.textOf(node));
}

store.subscribe((ui, changed) => {
  if (!snap) return;
  tree.update(ui, changed);
  list.update(ui, changed);
  if (changed.has('selectedNode')) void showNode(ui.selectedNode);
  if (changed.has('selectedSample')) {
    media.select(ui.selectedSample);
    timeline.select(ui.selectedSample);
  }
  if (changed.has('selectedSample') || changed.has('tokenHeat') || changed.has('estimator') || changed.has('tokenMode'))
    void showDetail(ui);
});

host.on(GroupMessages.snapshot, (s) => {
  performance.mark('rl:snapshot');
  const sameGroup = store.ref !== null && JSON.stringify(store.ref) === JSON.stringify(s.ref);
  if (!sameGroup) store.ui = { ...defaultUi(s.estimator) };
  // A judged group opens on its own estimator: GRPO on BRPO's placeholder rewards would show nothing.
  if (!restored && !paint.hasPainted) store.ui.estimator = judgedDefault(s) ?? s.estimator;
  store.ref = s.ref;
  snap = s;
  details.clear();
  nodeTexts.reset();
  tokenSection.reset();
  // A selection that no longer exists (new data) is dropped rather than shown stale.
  const ids = new Set(s.tree?.nodes.map((n) => n.id) ?? []);
  if (store.ui.selectedNode !== null && !ids.has(store.ui.selectedNode)) store.ui.selectedNode = null;
  if (store.ui.selectedSample !== null && !s.samples.some((x) => x.index === store.ui.selectedSample)) store.ui.selectedSample = null;
  // Sorted by a box score of a group that no longer has boxes: the column is hidden, so back to the default order.
  if (isBoxColumn(store.ui.sort.column) && !hasBoxes(s.media)) store.ui.sort = defaultUi().sort;
  if (isTimelineColumn(store.ui.sort.column) && !s.timeline) store.ui.sort = defaultUi().sort;
  offerEstimators(s);
  store.checkpoint();
  document.title = `Group ${s.ref.group}`;
  renderHeader(s);
  tree.setTree(s.tree, store.ui);
  nodePanel.setTree(s.tree);
  void showNode(store.ui.selectedNode);
  list.setSnapshot(s, store.ui);
  media.setSnapshot(s, store.ui.selectedSample);
  game.setSnapshot(s);
  judging.setSnapshot(s);
  timeline.setSnapshot(s, store.ui.selectedSample);
  void showDetail(store.ui);
  // The first frame with the tree and the list on screen is what the first-paint benchmark times.
  paint.rendered();
});

host.on(ErrorNotification, (p) => paint.error(headerInfo, p.message));

document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && store.ui.selectedNode !== null) store.update({ selectedNode: null });
});

performance.mark('rl:ready');
host.ready(restored ? host.savedState() : undefined);
