#!/usr/bin/env bash
# The local run: builds what is missing, starts a Kafka broker, the five services and the demo
# application's router, and deploys sample-app 1.0.0, 2.0.0 (healthy) and 3.0.0 (rolled back).
# Ctrl-C stops everything it started. Options: --rebuild, and any of `--help` of the launcher.
# `run.sh token --role deployer --app shop --env staging` prints a short-lived bearer token for the API.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

rebuild=false
args=()
for a in "$@"; do
  if [ "$a" = "--rebuild" ]; then rebuild=true; else args+=("$a"); fi
done

needed=(deploy/kafka-broker/target/kafka-broker.jar deploy/router/target/router.jar
        deploy/sample-app/target/sample-app.jar deploy/local/target/local-stack.jar
        config-service/target/quarkus-app/quarkus-run.jar provisioner-service/target/quarkus-app/quarkus-run.jar
        health-monitor-service/target/quarkus-app/quarkus-run.jar rollback-service/target/quarkus-app/quarkus-run.jar
        orchestrator-service/target/quarkus-app/quarkus-run.jar)
for f in "${needed[@]}"; do [ -f "$f" ] || rebuild=true; done
if $rebuild; then
  # (on stderr: `run.sh token` prints only the token on stdout)
  echo "building Cutover (tests skipped; the first build downloads dependencies and takes a few minutes) ..." >&2
  # (the formatter check belongs to ./mvnw verify, not to starting the stack)
  "$root/mvnw" -B -q -DskipTests -Dspotless.check.skip=true install >&2
fi

# exec: Ctrl-C reaches the launcher, whose shutdown hook stops everything it started.
exec java -Xmx128m -jar deploy/local/target/local-stack.jar --root "$root" "${args[@]+"${args[@]}"}"
