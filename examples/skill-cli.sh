# examples/skill-cli.sh
# Looking into a database from the shell: here the one examples/skill-sweep.ts writes (any engine, Python xetrack's files too).
set -eu
tsx "$(dirname "$0")/skill-sweep.ts" > /dev/null   # your experiment script; it writes sweep.db
xt runs sweep.db --metric accuracy:max --metric loss:min   # one line per run: params, last and best
xt columns sweep.db
xt head sweep.db -n 2 --json
xt sql sweep.db 'SELECT lr, layers, max(accuracy) AS best FROM "default" GROUP BY lr, layers ORDER BY best DESC LIMIT 1'
xt stats describe sweep.db --columns accuracy,loss
xt export sweep.db sweep.csv          # .csv, .jsonl or .parquet
xt copy sweep.db backup.db            # never `cp` a SQLite file a tracker may hold open
xt report sweep.db -o report.html     # one HTML file: runs, compare, charts, rows
