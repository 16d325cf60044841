#!/usr/bin/env bash
# The paper's fine-tuning run (THUDM/SciGLM training/finetune.sh) with the `sciglm` recipe: the
# original prompt, truncation, padding to 641 and loss mask, lr 3e-6 linear, 2 epochs, fp16 with
# gradient checkpointing, 32 examples per optimizer step on any number of GPUs (accumulation
# derived), DeepSpeed ZeRO-2 like the original training/deepspeed.json (DS_CONFIG=zero3-offload
# where 4 GPUs cannot hold it: the memory check says so). Runs the command that
# `sciglm train --print-launcher paper` prints (a package install can run that line).
#   DATA=mix/ bash training/finetune_sciglm.sh
# MODEL defaults to THUDM/chatglm3-6b-base (fetched and converted once on first use).
# NUM_GPUS (default 4, as the original), DS_CONFIG and OUTPUT may be set; any `sciglm train`
# option may follow. To see the plan and the rendered examples first, without GPUs:
#   WORLD_SIZE=4 sciglm train --recipe sciglm --data mix/ --dry-run --show 2
set -euo pipefail
: "${DATA:?set DATA to the SciInstruct mixture folder or its train.jsonl}"
line=$("${PYTHON:-python}" -m sciglm.cli.main train --print-launcher paper --data "$DATA" \
    ${MODEL:+--model "$MODEL"} ${OUTPUT:+--output "$OUTPUT"} ${NUM_GPUS:+--num-gpus "$NUM_GPUS"} \
    ${DS_CONFIG:+--deepspeed "$DS_CONFIG"} "$@")
eval "exec $line"
