// The dashboard's GPU chart: one series per launched run, from every reading the supervisor reports
// (runs/statusChanged notifications and the dashboard's own loads), kept in memory for the session.
// The supervisor reports one GPU summary per reading (a mean over the GPUs).
import type { GpuReading } from '../../shared/runs';
import type { GpuSeriesView } from '../../shared/protocol/webviews/dashboard';

/** About 30 minutes of readings at the default 2 s poll. */
const GPU_READINGS = 900;

export class GpuHistory {
  private readonly runs = new Map<string, { total: number | null; gpus: number; samples: Array<[number, number | null, number | null]> }>();

  record(run: string, g: GpuReading | null): void {
    if (!g?.available || g.at === null) return;
    const h = this.runs.get(run) ?? { total: null, gpus: g.gpus, samples: [] };
    const last = h.samples[h.samples.length - 1];
    if (last && last[0] >= g.at) return;
    h.samples.push([g.at, g.utilization, g.memoryUsedMiB]);
    if (h.samples.length > GPU_READINGS) h.samples.splice(0, h.samples.length - GPU_READINGS);
    h.total = g.memoryTotalMiB;
    h.gpus = g.gpus;
    this.runs.set(run, h);
  }

  series(run: string): GpuSeriesView[] {
    const h = this.runs.get(run);
    return h ? [{ index: 0, name: `${h.gpus} GPU${h.gpus === 1 ? '' : 's'} (mean)`, memory_total_mib: h.total, samples: h.samples }] : [];
  }
}
