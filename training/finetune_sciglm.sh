#!/usr/bin/env bash
# The paper's fine-tuning run (THUDM/SciGLM training/finetune.sh) with the `sciglm` recipe: the
# original prompt, truncation, padding to 641 and loss mask, lr 3e-6 linear, 2 epochs, fp16 with
# gradient checkpointing, 32 examples per optimizer step on any number of GPUs (accumulation
# derived), DeepSpeed ZeRO-2 like the original training/deepspeed.json (DS_CONFIG=
# training/ds_zero3_offload.json where 4 GPUs cannot hold it: the memory check says so).
#   DATA=mix/ bash training/finetune_sciglm.sh
# MODEL defaults to THUDM/chatglm3-6b-base (fetched and converted once on first use).
# NUM_GPUS (default 4, as the original), DS_CONFIG and OUTPUT may be set; any `sciglm train`
# option may follow. To see the plan and the rendered examples first, without GPUs:
#   WORLD_SIZE=4 sciglm train --recipe sciglm --data mix/ --dry-run --show 2
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${MODEL:-THUDM/chatglm3-6b-base}
: "${DATA:?set DATA to the SciInstruct mixture folder or its train.jsonl}"
export NUM_GPUS=${NUM_GPUS:-4}
export DS_CONFIG=${DS_CONFIG:-training/ds_zero2.json}
exec bash training/launch_single_node.sh --recipe sciglm --data "$DATA" --model "$MODEL" \
    --output "${OUTPUT:-runs/sciglm-paper}" "$@"
