#!/usr/bin/env bash
# Fine-tune on every GPU of this machine with DeepSpeed (one process per GPU).
#   NUM_GPUS=8 DS_CONFIG=training/ds_zero3.json bash training/launch_single_node.sh \
#       --data mix/ --model models/chatglm3-6b-base-glm --output runs/sciglm
# Any `sciglm train` option may follow; NUM_GPUS defaults to all visible GPUs.
set -euo pipefail
cd "$(dirname "$0")/.."
NUM_GPUS=${NUM_GPUS:-$(python -c 'import torch; print(max(torch.cuda.device_count(), 1))')}
DS_CONFIG=${DS_CONFIG:-training/ds_zero2.json}
exec deepspeed --num_gpus "$NUM_GPUS" --no_local_rank --module sciglm.cli.main \
    train --deepspeed "$DS_CONFIG" "$@"
