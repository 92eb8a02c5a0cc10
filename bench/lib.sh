# Sourced by the bench scripts: builds Cutover (tests skipped) when a jar the local stack needs is missing, then runs
# one of deploy/local's benchmark main classes against this checkout. Usage: bench_run <heap> <MainClass> "$@".
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bench_run() {
  local heap=$1 main=$2
  shift 2
  local needed=(deploy/kafka-broker/target/kafka-broker.jar deploy/router/target/router.jar
                deploy/sample-app/target/sample-app.jar deploy/local/target/local-stack.jar
                config-service/target/quarkus-app/quarkus-run.jar provisioner-service/target/quarkus-app/quarkus-run.jar
                health-monitor-service/target/quarkus-app/quarkus-run.jar
                rollback-service/target/quarkus-app/quarkus-run.jar
                orchestrator-service/target/quarkus-app/quarkus-run.jar)
  local f
  for f in "${needed[@]}"; do
    if [ ! -f "$f" ]; then
      echo "building Cutover (tests skipped; $f is missing) ..."
      # (the formatter check belongs to ./mvnw verify, not to starting the stack)
      "$root/mvnw" -B -q -DskipTests -Dspotless.check.skip=true install
      break
    fi
  done
  exec java "-Xmx$heap" -cp deploy/local/target/local-stack.jar "dev.cutover.local.$main" --root "$root" "$@"
}
