#!/usr/bin/env bash
# Benchmark: concurrent deployments, one target each, on the real local stack; the orchestrator's per-step
# decision latency (agent event -> next command, Kafka timestamps) per concurrency level. Prints a table per level.
# Options: --levels 1,1,5,10,50,50, --strategy S, --artifact URI, --app-command CMD, --explicit-router-ports, --help.
source "$(dirname "$0")/lib.sh"
bench_run 512m ScaleBench "$@"
