#!/usr/bin/env bash
# Benchmark: canary starts failing -> 100 % of traffic on stable, 1 s probe interval, on the real local
# stack (broker, five services, router, sample-app processes). Prints each run and a RESULT line.
# Options: --runs N, --probe-interval-ms N, --rate N, --help.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ ! -f deploy/local/target/local-stack.jar ] || [ ! -f orchestrator-service/target/quarkus-app/quarkus-run.jar ]; then
  echo "building Cutover (tests skipped) ..."
  # (the formatter check belongs to ./mvnw verify, not to starting the stack)
  "$root/mvnw" -B -q -DskipTests -Dspotless.check.skip=true install
fi
exec java -Xmx128m -cp deploy/local/target/local-stack.jar dev.cutover.local.CanaryRollbackBench --root "$root" "$@"
