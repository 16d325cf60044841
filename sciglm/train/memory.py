"""Will the model fit? A per-device memory estimate for full fine-tuning with Adam, per ZeRO stage.

Bytes per parameter follow the ZeRO paper (Rajbhandari et al. 2020) for mixed precision with Adam:
2 (16-bit weights) + 2 (16-bit gradients) + 12 (fp32 master weights, momentum, variance) = 16;
in fp32 it is 4 + 4 + 8 = 16 as well. ZeRO-2 splits gradients and optimizer state over the
data-parallel processes, ZeRO-3 also the weights; CPU offload moves the optimizer state (and,
for ZeRO-3, the weights) to host memory. Activations are estimated as ``34·h`` bytes per token
per layer in 16-bit (Korthikanti et al. 2022, without the attention-score term that SDPA and
flash-attention avoid), or ``2·h`` per token per layer with gradient checkpointing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sciglm.errors import SciglmError

GIB = 1024**3
#: Head-room for the CUDA context, allocator fragmentation and temporary buffers.
OVERHEAD = 1.15


@dataclass(frozen=True)
class Plan:
    """Estimated bytes on each device and in host memory for one way of training."""

    name: str
    device_bytes: float
    host_bytes: float
    #: The bundled DeepSpeed config that trains this way (``--deepspeed NAME``), if any.
    config: str | None


def plans(params: int, world: int, weight_bytes: int, activation_bytes: float) -> list[Plan]:
    """The estimate for plain data parallel, ZeRO-2, ZeRO-3 and ZeRO-3 with CPU offload."""
    w = float(weight_bytes)
    grads, optim = w, 16.0 - 2 * w  # 16 bytes per parameter in total
    n = float(params)
    return [
        Plan("no ZeRO", n * (w + grads + optim) + activation_bytes, 0.0, None),
        Plan("ZeRO-2", n * (w + (grads + optim) / world) + activation_bytes, 0.0,
             "zero2"),
        Plan("ZeRO-3", n * (w + grads + optim) / world + activation_bytes, 0.0,
             "zero3"),
        Plan("ZeRO-3 + CPU offload", n * w * 2 / world + activation_bytes,
             n * (w + optim) / world, "zero3-offload"),
    ]


def activation_bytes(hidden: int, layers: int, tokens_per_device: int, weight_bytes: int,
                     checkpointing: bool) -> float:
    """Activation memory for one micro-batch (see module docstring)."""
    per_token_layer = 2 * hidden if checkpointing else 34 * hidden * weight_bytes / 2
    return float(per_token_layer * layers * tokens_per_device)


def host_memory_bytes() -> int:
    """Physical memory of this machine."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def device_memory_bytes() -> tuple[str, int]:
    """(description, bytes) of the training device: the first GPU, else host memory."""
    import torch

    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        return props.name, int(props.total_memory)
    return "CPU memory", host_memory_bytes()


def zero_stage_of(deepspeed_config: dict | None) -> tuple[int, bool]:
    """(ZeRO stage, CPU offload?) of a DeepSpeed config dict."""
    if not deepspeed_config:
        return 0, False
    zero = deepspeed_config.get("zero_optimization", {}) or {}
    stage = int(zero.get("stage", 0) or 0)
    offload = any(str((zero.get(k) or {}).get("device", "none")) == "cpu"
                  for k in ("offload_optimizer", "offload_param"))
    return stage, offload


def check_fits(params: int, hidden: int, layers: int, tokens_per_device: int, weight_bytes: int,
               checkpointing: bool, world: int, deepspeed_config: dict | None,
               model_name: str, device_memory: tuple[str, int] | None = None,
               host_memory: int | None = None) -> Plan:
    """Raise a one-line error naming what is needed and what would fit, or return the plan used.

    ``device_memory``/``host_memory`` default to this machine's.
    """
    device, capacity = device_memory or device_memory_bytes()
    acts = activation_bytes(hidden, layers, tokens_per_device, weight_bytes, checkpointing)
    options = plans(params, world, weight_bytes, acts)
    stage, offload = zero_stage_of(deepspeed_config)
    chosen = options[3] if offload else options[{0: 0, 1: 1, 2: 1, 3: 2}.get(stage, 0)]
    if chosen.device_bytes * OVERHEAD <= capacity:
        return chosen
    host = host_memory or host_memory_bytes()
    fitting = [p for p in options if p.device_bytes * OVERHEAD <= capacity
               and (p.host_bytes == 0 or p.host_bytes * world * OVERHEAD <= host)]
    if fitting:
        best = fitting[0]
        advice = f"{best.name} would need {best.device_bytes * OVERHEAD / GIB:.1f} GiB: use " \
                 f"--deepspeed {best.config}"
    else:
        advice = "nothing fits on this many devices: add GPUs/nodes, enable " \
                 "--gradient-checkpointing, lower --per-device-batch-size, or use a smaller model"
    raise SciglmError(
        f"{model_name} ({params / 1e9:.2f}B parameters) does not fit: {chosen.name} needs about "
        f"{chosen.device_bytes * OVERHEAD / GIB:.1f} GiB per device with {world} process(es), "
        f"{device} has {capacity / GIB:.1f} GiB; {advice} (skip this check with --no-check-memory)"
    )
