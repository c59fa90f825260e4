"""The peers our ingest is measured against (bench/peers.bench.ts): what a user could write in a few
lines of Python instead. Each loads the same rollouts into SQLite; `--fts` adds an FTS5
external-content index over the responses, rebuilt after the load (the cheapest way to build one).

usage: peer.py <stdlib|pandas|pyarrow> <native|verl|trl> <input file or folder> <db> [--fts]
prints one JSON line: {"rows", "seconds", "peak_rss_mb"}
"""
import json
import os
import resource
import sqlite3
import sys
import time

SCHEMA = "CREATE TABLE samples (id INTEGER PRIMARY KEY, step INTEGER, grp TEXT, prompt TEXT, response TEXT, reward REAL, extra TEXT)"
INSERT = "INSERT INTO samples (step, grp, prompt, response, reward, extra) VALUES (?, ?, ?, ?, ?, ?)"
BATCH = 5000


def connect(db):
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(SCHEMA)
    return conn


def files(path, suffix):
    if os.path.isfile(path):
        return [path]
    found = [os.path.join(d, f) for d, _, names in os.walk(path) for f in names if f.endswith(suffix)]
    if not found:
        sys.exit(f"{path}: no *{suffix} files")
    return sorted(found)


def stdlib_rows(fmt, path):
    for f in files(path, ".jsonl"):
        step_of_file = os.path.basename(f).split(".")[0]
        with open(f, "rb") as fh:
            for line in fh:
                o = json.loads(line)
                if fmt == "native":
                    yield (o["step"], o["group"], o["prompt"], o["response"], o["reward"], json.dumps(o.get("components")))
                else:  # verl: the group is the prompt text
                    yield (o.get("step", step_of_file), o["input"], o["input"], o["output"], o["score"], o.get("gts"))


def load_stdlib(conn, fmt, path):
    n = 0
    batch = []
    for row in stdlib_rows(fmt, path):
        batch.append(row)
        if len(batch) == BATCH:
            conn.executemany(INSERT, batch)
            conn.commit()
            n += len(batch)
            batch = []
    conn.executemany(INSERT, batch)
    conn.commit()
    return n + len(batch)


def load_pandas(conn, fmt, path):
    import pandas as pd

    n = 0
    for f in files(path, ".jsonl"):
        df = pd.read_json(f, lines=True)
        if fmt == "native":
            out = pd.DataFrame({"step": df["step"], "grp": df["group"], "prompt": df["prompt"], "response": df["response"],
                                "reward": df["reward"], "extra": df["components"].map(json.dumps)})
        else:
            out = pd.DataFrame({"step": df["step"], "grp": df["input"], "prompt": df["input"], "response": df["output"],
                                "reward": df["score"], "extra": df["gts"].astype(str)})
        out.to_sql("samples", conn, if_exists="append", index=False, chunksize=BATCH)
        n += len(out)
    conn.commit()
    return n


def load_pyarrow(conn, fmt, path):
    import pyarrow.parquet as pq

    n = 0
    for f in files(path, ".parquet"):
        t = pq.read_table(f)
        cols = t.to_pydict()
        rows = list(zip(cols["step"], cols["prompt"], cols["prompt"], cols["completion"], cols["correctness"],
                        (json.dumps({"format": x}) for x in cols["format_reward"])))
        for i in range(0, len(rows), BATCH):
            conn.executemany(INSERT, rows[i:i + BATCH])
            conn.commit()
        n += len(rows)
    return n


def main():
    kind, fmt, path, db = sys.argv[1:5]
    fts = "--fts" in sys.argv[5:]
    t0 = time.perf_counter()
    conn = connect(db)
    n = {"stdlib": load_stdlib, "pandas": load_pandas, "pyarrow": load_pyarrow}[kind](conn, fmt, path)
    if fts:
        conn.execute("CREATE VIRTUAL TABLE samples_fts USING fts5(response, content='samples', content_rowid='id')")
        conn.execute("INSERT INTO samples_fts (samples_fts) VALUES ('rebuild')")
        conn.commit()
    conn.close()
    seconds = time.perf_counter() - t0
    print(json.dumps({"rows": n, "seconds": seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
