# examples/skill-ci-check.sh
# CI gating: every job imports its benchmark results into bench.db (kept between jobs, e.g. in the
# CI cache); `xt check` exits 1 when the candidate regressed beyond the tolerance, 2 on a usage or
# data error (a typo never passes), 0 otherwise.
set -u
# What `hyperfine --export-json main.json 'node parse.js'` writes (seconds); vitest bench, tinybench and mitata JSON work too.
echo '{"results":[{"command":"parse","mean":0.0101,"min":0.0099,"max":0.0103,"times":[0.0099,0.0100,0.0101,0.0102,0.0103]}]}' > main.json
echo '{"results":[{"command":"parse","mean":0.0131,"min":0.0129,"max":0.0133,"times":[0.0129,0.0130,0.0131,0.0132,0.0133]}]}' > pr.json
xt import bench.db main.json --param branch=main --param git_commit_hash=1111111aaaa
xt import bench.db pr.json --param branch=feature --param git_commit_hash=2222222bbbb
# the PR's commit against main's latest run, per benchmark, every sample counted: 10% slower is allowed
if xt check bench.db --baseline branch=main,latest --candidate commit:2222222 --group-by bench --metric time_ms:lower:10%:samples; then
  echo "gate: pass"
else
  echo "gate: fail (exit $?)"
fi
xt check bench.db --baseline branch=main,latest --candidate commit:2222222 --metric time_ms:lower:10%:samples --md > report.md # a pull-request comment
xt check bench.db --baseline branch=main,latest --candidate latest --metric no_such_metric:lower
echo "typo: exit $?"
