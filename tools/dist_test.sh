#!/usr/bin/env bash
# Usage: bash tools/dist_test.sh CONFIG CHECKPOINT GPUS [tools/test.py options]
TOOLS=$(dirname "$0")
exec bash "$TOOLS/dist_run.sh" "$3" "$TOOLS/test.py" "$1" "$2" "${@:4}"
