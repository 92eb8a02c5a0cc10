#!/usr/bin/env bash
# Benchmark: the orchestrator rebuilds its state from N state records (default 100,000 copies of its own
# snapshots) on the real local stack; measured from the orchestrator process's start to its readiness. Prints a table.
# Options: --records N, --snapshots-per-deployment N, --applications N, --help.
source "$(dirname "$0")/lib.sh"
bench_run 512m StateRebuildBench "$@"
