// `npm run bench [-- --quick] [-- --json]`: every benchmark, each figure with its ratio to a limit
// measured in the same run. Modules: bench/*.bench.ts exporting run({quick, dir}).
import * as fs from 'node:fs';
import * as path from 'node:path';

type Figures = Record<string, Record<string, unknown>>;

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const json = process.argv.includes('--json');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
  const dir = path.resolve('.bench');
  fs.mkdirSync(dir, { recursive: true });
  const modules = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts') && (!only || f.startsWith(only)))
    .sort();
  const all: Figures = {};
  for (const m of modules) {
    if (!json) process.stderr.write(`running ${m}${quick ? ' (quick)' : ''}…\n`);
    const mod = (await import(path.join(__dirname, m))) as { run: (o: { quick: boolean; dir: string }) => Promise<Figures> };
    Object.assign(all, await mod.run({ quick, dir }));
  }
  if (json) {
    process.stdout.write(JSON.stringify(all) + '\n');
    return;
  }
  for (const [name, figures] of Object.entries(all)) {
    process.stdout.write(`\n${name}\n`);
    for (const [k, v] of Object.entries(figures))
      process.stdout.write(`  ${k.padEnd(28)} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}\n`);
  }
  summary(all);
}

/** One line per benchmark that has a limit: the ratio to the limit measured or set for it. */
function summary(all: Figures): void {
  const rows: string[][] = [['benchmark', 'limit', 'ratio to limit', 'within budget']];
  for (const [name, f] of Object.entries(all)) {
    const ratio = f['ratio_to_limit'];
    if (typeof ratio !== 'number') continue;
    const limitKey = Object.keys(f).find((k) => k.startsWith('limit'));
    // Throughput limits are floors (higher is better), time limits ceilings; ingest's target is a ratio floor.
    const floor = limitKey?.includes('per_s') ?? false;
    const target = typeof f['target_ratio'] === 'number' ? (f['target_ratio'] as number) : 1;
    const ok = floor ? ratio >= target : ratio <= 1;
    rows.push([name, limitKey ? `${limitKey} = ${String(f[limitKey])}` : '', ratio.toFixed(3), ok ? 'yes' : 'NO']);
  }
  // Peers (bench/peers.bench.ts): our ratio to each one, the goal applying to the limit row above.
  for (const [name, f] of Object.entries(all)) {
    for (const [k, v] of Object.entries(f)) {
      if (!k.startsWith('ratio_to_') || k === 'ratio_to_limit' || typeof v !== 'number') continue;
      const peer = k.slice('ratio_to_'.length);
      rows.push([`${name} vs ${peer}`, `${peer}_mb_per_s = ${String(f[`${peer}_mb_per_s`])}`, v.toFixed(3), '']);
    }
    // The most any one-file design could reach (peers.bench.ts, single-writer floor over the best peer).
    const ceiling = f['ceiling_ratio'];
    if (typeof ceiling === 'number')
      rows.push([
        `${name} ceiling, one SQLite writer`,
        `single_writer_floor_mb_per_s = ${String(f['single_writer_floor_mb_per_s'])}`,
        ceiling.toFixed(3),
        '',
      ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  process.stdout.write('\n' + rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n') + '\n');
}

void main();
