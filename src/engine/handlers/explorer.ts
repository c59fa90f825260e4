// Read requests behind the run explorer and the sample documents.
import { exportDataset } from '../../core/export/exportDataset';
import { pickedCluster } from './clusters';
import { exportRun } from '../../core/store/exporter';
import { getSample, groupResponses, listGroups, listSamples, listSteps } from '../../core/store/reads';
import { samePromptGroups } from '../../core/store/promptTimeline';
import { bestWorstPair, compareCandidates } from '../../shared/compare';
import { searchText } from '../../core/store/fts';
import { EngineMethods } from '../../shared/protocol/engine';
import { writeExport } from '../../core/store/exportFile';
import { groupTree } from '../../core/store/groupTrees';
import { metricKeys, metricSeries } from '../../core/store/metricSeries';
import { sampleImage } from '../../core/views/sampleImage';
import { handlersOf, type EngineContext } from '../context';

export function explorerHandlers(engine: EngineContext) {
  const store = () => engine.requireStore();
  return handlersOf(EngineMethods)({
    listRuns: () => store().listRuns(),
    setSuccessThreshold: (p) => store().setSuccessThreshold(p.run, p.threshold),
    stepStats: (p) => store().stepStats(store().requireRun(p.run).id, p.step === undefined ? {} : { step: p.step }),
    listSteps: (p) => listSteps(store(), p.run, p.offset, p.limit, p.split, p),
    listGroups: (p) => listGroups(store(), p, p),
    rankGroups: (p) => listGroups(store(), { run: p.run, split: p.split }, { ...p, offset: 0 }),
    listSamples: (p) => listSamples(store(), p, { ...p, reflection: engine.reflection }),
    getSample: (p) => getSample(store(), p, engine.reflection),
    groupTree: (p) => {
      const tokenizer = engine.tokenizer();
      return groupTree(store(), p, {
        ...(p.norm !== undefined ? { norm: p.norm } : {}),
        ...(p.decisions ? { decisions: p.decisions } : {}),
        ...(tokenizer ? { tokenizer } : {}),
      });
    },
    metricKeys: (p) => metricKeys(store(), p.run),
    metricSeries: (p) => metricSeries(store(), p.run, p.keys),
    samePrompt: (p) => samePromptGroups(store(), p),
    compareCandidates: (p) => compareCandidates(groupResponses(store(), p), p.index),
    sampleImage: ({ index, maxWidth, ...ref }) => sampleImage(store(), ref, index, maxWidth),
    bestWorstPair: (p) => bestWorstPair(groupResponses(store(), p)),
    search: (p) => searchText(store(), p.query, p),
    exportRun: async (p, ctx) => {
      const s = store();
      return writeExport(exportRun(s, s.requireRun(p.run).id, p.step), p.path, ctx.signal);
    },
    exportDataset: async (p, ctx) => {
      const cluster = p.selection.cluster ? await pickedCluster(engine, p.run, p.selection.cluster, ctx.signal) : undefined;
      return exportDataset(store(), p, { reflection: engine.reflection, ...(cluster ? { clusterIds: cluster.ids } : {}) });
    },
  });
}
