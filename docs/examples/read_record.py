#!/usr/bin/env python3
"""Read a glorot run record from Python: the standard library's sqlite3, and pandas when installed.

    python3 read_record.py glorot-out            # every run: status, test error, activation std per layer

No glorot install is needed: the record is one SQLite file (docs/STORE.md describes its tables).
It is opened read-only, which is safe while a run trains. glorot's test
(test/e2e/store/python-example.test.ts) runs this file on a record made by `glorot train`, with
pandas and without it.
"""
import json
import sqlite3
import struct
import sys

try:
    import pandas as pd
except ImportError:  # the example works without pandas, with plain rows
    pd = None


def connect(out_dir):
    """A read-only connection to <out_dir>/glorot.sqlite."""
    return sqlite3.connect(f"file:{out_dir}/glorot.sqlite?mode=ro", uri=True)


def runs(con):
    """One dict per run: id, status, config (parsed JSON), depth."""
    rows = con.execute("SELECT id, status, config FROM runs ORDER BY created_at").fetchall()
    out = []
    for run_id, status, config in rows:
        cfg = json.loads(config)
        out.append({"run": run_id, "status": status, "config": cfg, "depth": len(cfg["hidden"])})
    return out


# `name AS statistic`: a pandas Series has an attribute `name`, so a column of that name is awkward
SCALARS = "SELECT run, updates, layer, name AS statistic, value FROM scalars WHERE run = ? AND name = ? ORDER BY layer, updates"
TEST_ERROR = "SELECT updates, error_rate FROM evaluations WHERE run = ? AND split = 'test' ORDER BY updates"
HISTOGRAM = "SELECT layer, edges, counts FROM histograms WHERE run = ? AND tensor = 'activation' AND updates = 0 ORDER BY layer"


def floats(blob):
    """A little-endian float64 blob (histogram edges and counts) as a list."""
    return list(struct.unpack(f"<{len(blob) // 8}d", blob))


def summary(con):
    """Per run: final test error, the last activation std of each hidden layer, the output layer's index,
    and the update-0 activation histogram's total count per layer. A dict (JSON-ready)."""
    result = []
    for r in runs(con):
        test = con.execute(TEST_ERROR, (r["run"],)).fetchall()
        if pd is not None:
            std = pd.read_sql_query(SCALARS, con, params=(r["run"], "activation.std"))
            last_std = std.sort_values("updates").groupby("layer").value.last().to_dict()
            weight_layers = pd.read_sql_query(SCALARS, con, params=(r["run"], "weight.std")).layer.unique().tolist()
        else:
            last_std = {}
            for _run, _u, layer, _s, value in con.execute(SCALARS, (r["run"], "activation.std")):
                last_std[layer] = value  # rows come in increasing updates per layer
            weight_layers = sorted({row[2] for row in con.execute(SCALARS, (r["run"], "weight.std"))})
        hist = {layer: sum(floats(counts)) for layer, _edges, counts in con.execute(HISTOGRAM, (r["run"],))}
        result.append({
            "run": r["run"],
            "status": r["status"],
            "depth": r["depth"],
            "test_error": test[-1][1] if test else None,
            "activation_std": {str(int(k)): float(v) for k, v in last_std.items()},
            "output_layer": int(max(weight_layers)) if weight_layers else None,
            "histogram_counts": {str(k): v for k, v in hist.items()},
            "reader": "pandas" if pd is not None else "sqlite3",
        })
    return result


if __name__ == "__main__":
    with connect(sys.argv[1] if len(sys.argv) > 1 else "glorot-out") as con:
        print(json.dumps(summary(con), indent=2))
