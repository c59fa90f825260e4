// The failure clusters view: one clustering of a run's wrong (or flipped, alerted, matching,
// labelled) responses, each cluster with its count and share, its distinguishing terms and the three
// members nearest its centre; each example opens its sample or its group, and each cluster is taken
// on from here: exported as training data, shared as one HTML file, or labelled. All rollout text
// goes in as text (webview/shared/dom.ts).
import '../shared/base.css';
import './clusters.css';
import { clusterShare, clustersTitle, type ClusterReport, type FailureCluster } from '../../src/shared/clusters';
import { CHECKPOINT_VERSION, ErrorNotification, readCheckpoint } from '../../src/shared/protocol/webviews/ipc';
import {
  ClustersMessages,
  clustersCheckpointSchema,
  type ClustersKey,
  type ClustersSnapshot,
} from '../../src/shared/protocol/webviews/clusters';
import { clear, el, message } from '../shared/dom';
import { HostConnection } from '../shared/host';
import { ViewPaint } from '../shared/paint';
import { button, registerControls } from '../shared/ui';

registerControls();
const host = new HostConnection();
const restored = readCheckpoint(clustersCheckpointSchema, host.savedState());
let key: ClustersKey | null = restored?.key ?? null;
let selected: number | null = restored?.selected ?? null;

const app = document.getElementById('app') ?? document.body.appendChild(el('main', { attrs: { id: 'app' } }));
const paint = new ViewPaint(app);
const header = el('header', { cls: 'clusters-header' });
const list = el('section', { cls: 'clusters', attrs: { 'aria-label': 'Clusters' } });
clear(app);
app.append(header, list);

function save(): void {
  if (key) host.saveState({ v: CHECKPOINT_VERSION, key, selected });
}

const K_RULE: Record<ClusterReport['k_rule'], string> = {
  given: 'given',
  silhouette: 'highest silhouette',
  'too few': 'too few samples to split',
};

function renderHeader(s: ClustersSnapshot): void {
  clear(header);
  header.append(el('h1', { text: `Failure clusters · ${s.key.run}` }));
  const r = s.report;
  if (r) {
    header.append(
      el('p', { cls: 'title', text: clustersTitle(r) }),
      el('p', {
        cls: 'muted',
        text: `k = ${r.k} (${K_RULE[r.k_rule]}) · ${r.vocabulary} terms (words and word pairs; # stands for any number) · seed ${r.seed}`,
      }),
    );
  }
  if (s.naming_notice) header.append(el('p', { cls: 'muted naming', text: s.naming_notice }));
  const again = button(s.loading ? 'Clustering…' : 'Cluster again', () => host.notify(ClustersMessages.recluster, {}), {
    secondary: true,
    id: 'recluster',
    title: 'Cluster the same selection again (the run may have grown since)',
  });
  if (s.loading) again.setAttribute('disabled', 'true');
  header.append(el('div', { cls: 'toolbar' }, [again]));
}

function example(r: ClusterReport, e: FailureCluster['examples'][number]): HTMLElement {
  const ref = { run: e.run, split: e.split, step: e.step, group: e.group, index: e.index };
  const where = `step ${e.step}${e.split === 'val' ? ' (val)' : ''} · ${e.group} · #${e.index}`;
  return el('li', { cls: 'example' }, [
    el('div', { cls: 'example-where' }, [
      el('button', {
        cls: 'link open-sample',
        text: where,
        title: `Open sample #${e.index} of group ${e.group} as a document`,
        attrs: { type: 'button' },
        on: { click: () => host.notify(ClustersMessages.openSample, ref) },
      }),
      el('button', {
        cls: 'link open-group',
        text: 'group view',
        title: `Open group ${e.group} of step ${e.step} of ${r.run}`,
        attrs: { type: 'button' },
        on: { click: () => host.notify(ClustersMessages.openGroup, ref) },
      }),
    ]),
    el('div', { cls: 'preview', text: e.preview }),
  ]);
}

function cluster(r: ClusterReport, c: FailureCluster): HTMLElement {
  const act = (label: string, title: string, send: () => void, id: string): HTMLElement =>
    button(
      label,
      () => {
        selected = c.id;
        save();
        for (const a of list.querySelectorAll('article.cluster')) a.classList.toggle('selected', a.id === `cluster-${c.id}`);
        send();
      },
      { secondary: true, title, id: `${id}-${c.id}` },
    );
  const bar = el('div', { cls: 'share-bar', attrs: { 'aria-hidden': 'true' } });
  const fill = el('div', { cls: 'share-fill' });
  fill.style.width = `${r.clustered ? (100 * c.size) / r.clustered : 0}%`;
  bar.append(fill);
  return el(
    'article',
    {
      cls: ['cluster', c.id === selected ? 'selected' : ''],
      attrs: { id: `cluster-${c.id}`, 'aria-label': `Cluster ${c.id}: ${c.name}, ${c.size} samples` },
    },
    [
      el('div', { cls: 'cluster-head' }, [
        el('span', { cls: 'cluster-id', text: `#${c.id}` }),
        el('h2', { cls: 'cluster-name', text: c.name }),
        el('span', { cls: 'cluster-size', text: clusterShare(r, c) }),
      ]),
      bar,
      c.named_by === 'endpoint' ? el('p', { cls: 'muted terms', text: `terms: ${c.terms.join(', ')}` }) : null,
      el(
        'ol',
        { cls: 'examples', attrs: { 'aria-label': `The ${c.examples.length} members nearest the centre of cluster ${c.id}` } },
        c.examples.map((e) => example(r, e)),
      ),
      el('div', { cls: 'toolbar' }, [
        act(
          'Export…',
          `Write the ${c.size} samples of this cluster as SFT rows, DPO pairs or RL prompts`,
          () => host.notify(ClustersMessages.exportCluster, { cluster: c.id }),
          'export',
        ),
        act(
          'Share as HTML…',
          'One HTML file: this cluster above the group of its most typical member',
          () => host.notify(ClustersMessages.shareCluster, { cluster: c.id }),
          'share',
        ),
        act(
          'Label all…',
          `Put a label tag on each of the ${c.size} samples`,
          () => host.notify(ClustersMessages.labelCluster, { cluster: c.id }),
          'label',
        ),
      ]),
    ],
  );
}

host.on(ClustersMessages.snapshot, (s) => {
  key = s.key;
  save();
  document.title = `Failure clusters · ${s.key.run}`;
  renderHeader(s);
  clear(list);
  const r = s.report;
  if (s.error) list.append(message(s.error, 'error'));
  else if (s.loading && !r) list.append(message('Clustering the responses by text… (about 6 s for 10,000 responses)'));
  else if (r && r.clusters.length === 0) list.append(message(`No samples of ${r.run} are ${r.selection_label} in these steps.`));
  else if (r) list.append(...r.clusters.map((c) => cluster(r, c)));
  paint.rendered();
});

host.on(ErrorNotification, (p) => paint.error(list, p.message));

host.ready(restored ?? undefined);
