#!/usr/bin/env bash
# Chaos suite: SIGKILL each of the five services (and the broker) at four moments of blue-green, canary and rolling
# deployments under steady user traffic through the router, restart it after a random (seeded) delay, and check
# every run: terminal state, router consistent with it, no orphan process, no duplicate side effect, 0 failed user
# requests. Prints each run and a table. Options: --seed S, --rate N, --strategy/--victim/--moment (comma lists),
# --limit N, --help.
source "$(dirname "$0")/lib.sh"
bench_run 192m ChaosMain "$@"
