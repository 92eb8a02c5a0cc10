#!/usr/bin/env bash
# Chaos suite: SIGKILL each of the five services (and the broker) at four moments of blue-green, canary and rolling
# deployments under steady user traffic through the router, restart it after a random (seeded) delay, and check
# every run: terminal state, router consistent with it, no orphan process, no duplicate side effect, 0 failed user
# requests. Prints each run and a table. Options: --seed S, --rate N, --strategy/--victim/--moment (comma lists),
# --limit N, --help.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ ! -f deploy/local/target/local-stack.jar ] || [ ! -f orchestrator-service/target/quarkus-app/quarkus-run.jar ]; then
  echo "building Cutover (tests skipped) ..."
  "$root/mvnw" -B -q -DskipTests -Dspotless.check.skip=true install
fi
exec java -Xmx192m -cp deploy/local/target/local-stack.jar dev.cutover.local.ChaosMain --root "$root" "$@"
