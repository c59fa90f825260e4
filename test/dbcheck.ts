// What a test compares between two ingests: row counts and a checksum over sample identities and rewards.
import { createHash } from 'node:crypto';
import { Store } from '../src/core/store/store';

export interface DbDigest {
  samples: number;
  groups: number;
  steps: number;
  checksum: string;
}

export function digestRun(dbFile: string, run: string): DbDigest {
  const store = Store.open(dbFile);
  try {
    const rows = store.db
      .prepare(
        `SELECT st.split, st.step, g.uid, s.idx, s.reward FROM samples s
           JOIN groups g ON g.id = s.group_id JOIN steps st ON st.id = g.step_id JOIN runs r ON r.id = st.run_id
          WHERE r.name = ? ORDER BY st.split, st.step, g.uid, s.idx`,
      )
      .raw()
      .all(run) as unknown[][];
    const h = createHash('sha1');
    for (const r of rows) h.update(JSON.stringify(r));
    const count = (sql: string): number => store.db.prepare(sql).pluck().get(run) as number;
    return {
      samples: rows.length,
      groups: count('SELECT COUNT(*) FROM groups g JOIN steps st ON st.id = g.step_id JOIN runs r ON r.id = st.run_id WHERE r.name = ?'),
      steps: count('SELECT COUNT(*) FROM steps st JOIN runs r ON r.id = st.run_id WHERE r.name = ?'),
      checksum: h.digest('hex'),
    };
  } finally {
    store.close();
  }
}
