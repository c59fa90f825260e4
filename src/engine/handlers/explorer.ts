// Read requests behind the run explorer and the sample documents.
import { exportRun } from '../../core/store/exporter';
import { getSample, listGroups, listSamples, listSteps, samePromptGroups } from '../../core/store/explorer';
import { searchText } from '../../core/store/fts';
import { EngineMethods } from '../../shared/protocol/engine';
import { writeExport } from '../../core/store/exportFile';
import { groupTree } from '../../core/store/groupTrees';
import { metricKeys, metricSeries } from '../../core/store/metricSeries';
import type { EngineServer } from '../server';

export function registerExplorerHandlers(server: EngineServer): void {
  const store = () => server.requireStore();
  server.on(EngineMethods.listRuns, () => store().listRuns());
  server.on(EngineMethods.stepStats, (p) => store().stepStats(store().requireRun(p.run).id, p.step === undefined ? {} : { step: p.step }));
  server.on(EngineMethods.listSteps, (p) => listSteps(store(), p.run, p.offset, p.limit, p.split, p));
  server.on(EngineMethods.listGroups, (p) => listGroups(store(), p, p));
  server.on(EngineMethods.listSamples, (p) => listSamples(store(), p, { ...p, reflection: server.reflection }));
  server.on(EngineMethods.getSample, (p) => getSample(store(), p, server.reflection));
  server.on(EngineMethods.groupTree, (p) => {
    const tokenizer = server.tokenizer();
    return groupTree(store(), p, {
      ...(p.norm !== undefined ? { norm: p.norm } : {}),
      ...(p.decisions ? { decisions: p.decisions } : {}),
      ...(tokenizer ? { tokenizer } : {}),
    });
  });
  server.on(EngineMethods.metricKeys, (p) => metricKeys(store(), p.run));
  server.on(EngineMethods.metricSeries, (p) => metricSeries(store(), p.run, p.keys));
  server.on(EngineMethods.samePrompt, (p) => samePromptGroups(store(), p));
  server.on(EngineMethods.search, (p) => searchText(store(), p.query, p));
  server.on(EngineMethods.exportRun, async (p, ctx) => {
    const s = store();
    return writeExport(exportRun(s, s.requireRun(p.run).id, p.step), p.path, ctx.signal);
  });
}
