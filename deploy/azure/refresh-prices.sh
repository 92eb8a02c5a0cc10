#!/usr/bin/env bash
# Refreshes the infrastructure plan's price table
# (provisioner-service/src/main/resources/prices/azure-retail-prices.json) from the Azure Retail Prices API,
# https://prices.azure.com/api/retail/prices, for exactly the meters the table already lists, and dates it today.
# Needs that API to be reachable: without a network it fails (exit 2), saying so, and leaves the table as it was.
# MAVEN_ARGS: extra Maven options for the build of the classpath (e.g. -o).
#   deploy/azure/refresh-prices.sh [table-file] [--api URL]
set -euo pipefail
cd "$(dirname "$0")/../.."
cp_file=provisioner-service/target/refresh-prices.classpath
./mvnw -B -q ${MAVEN_ARGS:-} -pl provisioner-service compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/$cp_file" -Dmdep.includeScope=runtime -Dspotless.check.skip=true
exec java -cp "provisioner-service/target/classes:$(cat "$cp_file")" \
  dev.cutover.provisioner.plan.PriceTableRefresh "$@"
