// Durable ingest cursors: one row per source file, updated in the same transaction as its rows.
import type { SqliteDatabase } from './nativeLoader';

export type FileKind = 'rollouts' | 'metrics';

export interface FileCursor {
  id: number;
  run_id: number;
  path: string;
  kind: FileKind;
  format: string;
  dev: number | null;
  ino: number | null;
  head_hash: string | null;
  head_len: number;
  offset: number;
  line: number;
  size: number | null;
  mtime_ms: number | null;
  state: string | null;
}

export class FileCursors {
  constructor(private readonly db: SqliteDatabase) {}

  get(runId: number, path: string): FileCursor | undefined {
    return this.db.prepare('SELECT * FROM files WHERE run_id = ? AND path = ?').get(runId, path) as FileCursor | undefined;
  }

  /** A cursor of this run whose file has the given device and inode (to follow a renamed file). */
  byInode(runId: number, dev: number, ino: number): FileCursor | undefined {
    return this.db.prepare('SELECT * FROM files WHERE run_id = ? AND dev = ? AND ino = ?').get(runId, dev, ino) as FileCursor | undefined;
  }

  create(runId: number, path: string, kind: FileKind, format: string): FileCursor {
    this.db
      .prepare('INSERT INTO files (run_id, path, kind, format) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, path) DO NOTHING')
      .run(runId, path, kind, format);
    return this.get(runId, path)!;
  }

  save(c: FileCursor): void {
    this.db
      .prepare(
        `UPDATE files SET path = ?, format = ?, dev = ?, ino = ?, head_hash = ?, head_len = ?, offset = ?, line = ?,
           size = ?, mtime_ms = ?, state = ? WHERE id = ?`,
      )
      .run(c.path, c.format, c.dev, c.ino, c.head_hash, c.head_len, c.offset, c.line, c.size, c.mtime_ms, c.state, c.id);
  }

  list(runId: number): FileCursor[] {
    return this.db.prepare('SELECT * FROM files WHERE run_id = ? ORDER BY path').all(runId) as FileCursor[];
  }
}
