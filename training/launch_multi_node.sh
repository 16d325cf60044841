#!/usr/bin/env bash
# Fine-tune on several nodes: run this on the first node of HOSTFILE; DeepSpeed starts the
# other ranks over passwordless ssh (pdsh). Every node needs the same checkout, .venv, data and
# model paths (a shared file system, or copies at the same path).
#   HOSTFILE=training/hostfile.example MASTER_ADDR=node1 DS_CONFIG=training/ds_zero3.json \
#       bash training/launch_multi_node.sh --data mix/ --model models/chatglm3-6b-base-glm \
#       --output runs/sciglm
set -euo pipefail
cd "$(dirname "$0")/.."
HOSTFILE=${HOSTFILE:-training/hostfile}
DS_CONFIG=${DS_CONFIG:-training/ds_zero3.json}
MASTER_ADDR=${MASTER_ADDR:-$(head -n1 "$HOSTFILE" | awk '{print $1}')}
MASTER_PORT=${MASTER_PORT:-29500}
exec deepspeed --hostfile "$HOSTFILE" --master_addr "$MASTER_ADDR" --master_port "$MASTER_PORT" \
    --no_local_rank --module sciglm.cli.main train --deepspeed "$DS_CONFIG" "$@"
