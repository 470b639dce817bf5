"""What Python sees in a database written by xetrack-ts (see test/python-interop.test.ts).

Usage: python3 python-sqlite.py FILE TABLE
Reads the table with Python's own sqlite3 module (another SQLite build), the way Python xetrack's
SqliteEngine does (SELECT *; declared types mapped by its DTYPES_TO_PYTHON), appends one row the way
its log() does (INSERT with unquoted column names), and prints one JSON object: the declared types,
the Python type of every value, the integrity check, and the appended row's key.
"""
import json
import sqlite3
import sys

DTYPES_TO_PYTHON = {  # Python xetrack 0.7.0 constants (spec section 1)
    "BOOLEAN": "bool", "TINYINT": "int", "SMALLINT": "int", "INTEGER": "int", "BIGINT": "int",
    "FLOAT": "float", "DOUBLE": "float", "DECIMAL": "float", "VARCHAR": "str", "CHAR": "str",
    "DATE": "str", "TIME": "str", "TIMESTAMP": "str", "INTERVAL": "str", "UUID": "str", "BLOB": "bytearray",
}

path, table = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(path)
conn.row_factory = sqlite3.Row
quoted = '"' + table.replace('"', '""') + '"'
info = conn.execute(f"PRAGMA table_info({quoted})").fetchall()
rows = conn.execute(f"SELECT * FROM {quoted}").fetchall()
values = {}
for row in rows:
    for key in row.keys():
        values.setdefault(key, set()).add(type(row[key]).__name__)
# append as Python xetrack's log() does: ALTER TABLE ... ADD COLUMN <key> <type> for new keys (key
# unquoted), then one INSERT with plain column names
for column, declared in (("py_int", "INTEGER"), ("py_float", "REAL"), ("py_text", "TEXT")):
    conn.execute(f"ALTER TABLE {quoted} ADD COLUMN {column} {declared}")
conn.execute(f"INSERT INTO {quoted} (track_id, timestamp, py_int, py_float, py_text) VALUES (?, ?, ?, ?, ?)",
             ("from-python", "2099-01-01 00:00:00.000000", 7, 0.25, "written by Python"))
conn.commit()
integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
print(json.dumps({
    "sqlite": sqlite3.sqlite_version,
    "columns": [{"name": c["name"], "type": c["type"], "pk": c["pk"], "python": DTYPES_TO_PYTHON.get(c["type"])} for c in info],
    "rows": len(rows),
    "valueTypes": {k: sorted(v) for k, v in values.items()},
    "integrity": integrity,
}))
