#!/usr/bin/env bash
# Benchmark: the orchestrator rebuilds its state from N state records (default 100,000 copies of its own
# snapshots) on the real local stack; measured from the orchestrator process's start to its readiness. Prints a table.
# Options: --records N, --snapshots-per-deployment N, --applications N, --help.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ ! -f deploy/local/target/local-stack.jar ] || [ ! -f orchestrator-service/target/quarkus-app/quarkus-run.jar ]; then
  echo "building Cutover (tests skipped) ..."
  # (the formatter check belongs to ./mvnw verify, not to starting the stack)
  "$root/mvnw" -B -q -DskipTests -Dspotless.check.skip=true install
fi
exec java -Xmx512m -cp deploy/local/target/local-stack.jar dev.cutover.local.StateRebuildBench --root "$root" "$@"
