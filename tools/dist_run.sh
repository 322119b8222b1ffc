#!/usr/bin/env bash
# Usage: bash tools/dist_run.sh GPUS SCRIPT [SCRIPT arguments]
# Starts GPUS processes of SCRIPT with torch.distributed.run (--launcher pytorch);
# dist_train.sh and dist_test.sh call it. NNODES, NODE_RANK, MASTER_ADDR and PORT
# set up several nodes; PYTHON picks the interpreter.
GPUS=$1
SCRIPT=$2
exec ${PYTHON:-python} -m torch.distributed.run \
    --nnodes="${NNODES:-1}" \
    --node_rank="${NODE_RANK:-0}" \
    --master_addr="${MASTER_ADDR:-127.0.0.1}" \
    --nproc_per_node="$GPUS" \
    --master_port="${PORT:-29500}" \
    "$SCRIPT" "${@:3}" --launcher pytorch
