"""The real Python xetrack 0.7.0, driven by test/python-xetrack.test.ts (run with its PYTHONPATH).

Usage: python3 python-xetrack.py COMMAND ARGS...
  read DB TABLE            Reader(DB, table=TABLE): declared-type mapping, row count, every row as
                           to_df() gives it (each value as [python type name, value])
  write DB                 Tracker(DB): logs rows of every kind, a log_batch and a track() call
  append DB                Tracker(DB) appends to a database written by xetrack-ts
  write-logs DIR JSONL     Tracker(SKIP_INSERT, logs_path=DIR, jsonl=JSONL) logs rows and an experiment
  read-logs DIR            Reader.read_logs(DIR): every entry, as a list of records
  read-jsonl FILE          Reader.read_jsonl(FILE): every entry, as a list of records
Prints one JSON document. Values: NaN/None as null, bytes as {"bytes": hex}, integers beyond 2^53 as
{"int": "digits"}, numpy scalars as Python ones.
"""
import json
import math
import sys

from xetrack import Reader, Tracker


def plain(value):
    """A JSON-ready form of one value as pandas hands it over."""
    if hasattr(value, "item") and not isinstance(value, (bytes, bytearray)):
        value = value.item()  # numpy scalar
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53 - 1:
        return {"int": str(value)}  # exact: a JSON number this large loses digits in JavaScript
    if isinstance(value, (bytes, bytearray)):
        return {"bytes": bytes(value).hex()}
    return value


def typed(value):
    if hasattr(value, "item") and not isinstance(value, (bytes, bytearray)):
        value = value.item()
    name = "NoneType" if value is None or (isinstance(value, float) and math.isnan(value)) else type(value).__name__
    return [name, plain(value)]


def records(df):
    return [{key: plain(value) for key, value in row.items()} for row in df.to_dict("records")]


def read(db, table):
    reader = Reader(db, table=table)
    df = reader.to_df()
    return {
        "dtypes": {key: (value.__name__ if value is not None else None) for key, value in reader.dtypes.items()},
        "len": len(reader),
        "columns": list(df.columns),
        "rows": [{key: typed(value) for key, value in row.items()} for row in df.to_dict("records")],
    }


def write(db):
    tracker = Tracker(db, params={"model": "py-mlp", "seed": 3}, track_id="py-run", warnings=False)
    tracker.log({"epoch": 1, "loss": 0.5, "ok": True, "name": "first", "val-loss": 0.25, "big": 2**62})
    tracker.log_batch([
        {"epoch": 2, "loss": 0.25, "ok": False, "name": "second", "val-loss": 0.125, "big": -(2**62)},
        {"epoch": 3, "loss": 0.125, "ok": True, "name": "third ✓", "val-loss": 0.0625, "big": 7},
    ])
    def double(x):
        return x * 2

    tracker.track(double, args=[21])
    return {"track_id": tracker.track_id}


def append(db):
    tracker = Tracker(db, params={"model": "py-append"}, track_id="py-append", warnings=False)
    tracker.log({"epoch": 4, "accuracy": 0.97, "note": "appended by Python", "py_only": 11})
    return {"track_id": tracker.track_id}


def write_logs(logs_dir, jsonl):
    tracker = Tracker(Tracker.SKIP_INSERT, params={"model": "py-logs"}, track_id="py-logs",
                      logs_path=logs_dir, jsonl=jsonl, logs_stdout=False, warnings=False)
    tracker.log({"epoch": 1, "loss": 0.5, "ok": True, "note": "naïve ✓"})
    tracker.log({"epoch": 2, "loss": 0.25, "ok": False, "note": "second", "cfg": {"lr": 0.1, "layers": [8, 4]}})
    tracker.logger.experiment({"name": "sweep", "grid": {"lr": [0.1, 0.01]}})
    return {"track_id": tracker.track_id}


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "read":
        out = read(*args)
    elif command == "write":
        out = write(*args)
    elif command == "append":
        out = append(*args)
    elif command == "write-logs":
        out = write_logs(*args)
    elif command == "read-logs":
        out = records(Reader.read_logs(*args))
    elif command == "read-jsonl":
        out = records(Reader.read_jsonl(*args))
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(out, ensure_ascii=False))


main()
