#!/usr/bin/env bash
# Benchmark: concurrent deployments, one target each, on the real local stack; the orchestrator's per-step
# decision latency (agent event -> next command, Kafka timestamps) per concurrency level. Prints a table per level.
# Options: --levels 1,10,25,50, --strategy S, --artifact URI, --app-command CMD, --explicit-router-ports, --help.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ ! -f deploy/local/target/local-stack.jar ] || [ ! -f orchestrator-service/target/quarkus-app/quarkus-run.jar ]; then
  echo "building Cutover (tests skipped) ..."
  # (the formatter check belongs to ./mvnw verify, not to starting the stack)
  "$root/mvnw" -B -q -DskipTests -Dspotless.check.skip=true install
fi
exec java -Xmx512m -cp deploy/local/target/local-stack.jar dev.cutover.local.ScaleBench --root "$root" "$@"
