#!/usr/bin/env bash
# Usage: bash tools/dist_train.sh CONFIG GPUS [tools/train.py options]
# On a CPU-only machine the processes train with gloo on the CPU.
TOOLS=$(dirname "$0")
exec bash "$TOOLS/dist_run.sh" "$2" "$TOOLS/train.py" "$1" "${@:3}"
