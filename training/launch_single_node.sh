#!/usr/bin/env bash
# Fine-tune on every GPU of this machine with DeepSpeed (one process per GPU): runs the command
# that `sciglm train --print-launcher single-node` prints (a package install can run that line).
#   NUM_GPUS=8 DS_CONFIG=zero3 bash training/launch_single_node.sh \
#       --data mix/ --model models/chatglm3-6b-base-glm --output runs/sciglm
# Any `sciglm train` option may follow. NUM_GPUS defaults to all visible GPUs; DS_CONFIG to zero2
# (zero2, zero3, zero3-offload: the configs shipped with sciglm; or a JSON file).
set -euo pipefail
line=$("${PYTHON:-python}" -m sciglm.cli.main train --print-launcher single-node \
    ${NUM_GPUS:+--num-gpus "$NUM_GPUS"} ${DS_CONFIG:+--deepspeed "$DS_CONFIG"} "$@")
eval "exec $line"
