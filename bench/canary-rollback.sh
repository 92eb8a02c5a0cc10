#!/usr/bin/env bash
# Benchmark: canary starts failing -> 100 % of traffic on stable, 1 s probe interval, on the real local
# stack (broker, five services, router, sample-app processes). Prints each run and a RESULT line.
# Options: --runs N, --probe-interval-ms N, --rate N, --help.
source "$(dirname "$0")/lib.sh"
bench_run 128m CanaryRollbackBench "$@"
