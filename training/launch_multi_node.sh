#!/usr/bin/env bash
# Fine-tune on several nodes: run this on the first node of HOSTFILE; DeepSpeed starts the
# other ranks over passwordless ssh (pdsh). Every node needs the same sciglm install, data and
# model paths (a shared file system, or copies at the same path). Runs the command that
# `sciglm train --print-launcher multi-node` prints.
#   HOSTFILE=training/hostfile.example MASTER_ADDR=node1 DS_CONFIG=zero3 \
#       bash training/launch_multi_node.sh --data mix/ --model models/chatglm3-6b-base-glm \
#       --output runs/sciglm
# HOSTFILE defaults to ./hostfile, MASTER_ADDR to its first host, MASTER_PORT to 29500,
# DS_CONFIG to zero3.
set -euo pipefail
line=$("${PYTHON:-python}" -m sciglm.cli.main train --print-launcher multi-node \
    --hostfile "${HOSTFILE:-hostfile}" ${MASTER_ADDR:+--master-addr "$MASTER_ADDR"} \
    ${MASTER_PORT:+--master-port "$MASTER_PORT"} ${NUM_GPUS:+--num-gpus "$NUM_GPUS"} \
    ${DS_CONFIG:+--deepspeed "$DS_CONFIG"} "$@")
eval "exec $line"
