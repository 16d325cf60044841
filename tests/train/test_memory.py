"""The fit estimate: ChatGLM3-6B sizes and the advice it gives."""

from __future__ import annotations

import pytest

from sciglm.errors import SciglmError
from sciglm.train import memory

GIB = memory.GIB
SIX_B = 6_243_584_000  # ChatGLM3-6B


def check(world: int, ds: dict | None, gpu_gib: float, host_gib: float = 1024) -> memory.Plan:
    return memory.check_fits(SIX_B, 4096, 28, 4 * 640, 2, True, world, ds, "chatglm3-6b",
                             device_memory=("A100", int(gpu_gib * GIB)),
                             host_memory=int(host_gib * GIB))


def test_six_billion_without_zero_needs_about_100_gib() -> None:
    with pytest.raises(SciglmError) as info:
        check(8, None, 80)
    message = str(info.value)
    assert "6.24B parameters" in message and "no ZeRO needs about" in message
    needed = float(message.split("needs about ")[1].split(" GiB")[0])
    assert 100 < needed < 120  # 16 bytes x 6.24e9 = 93 GiB, plus activations and head-room
    assert "ZeRO-2" in message and "--deepspeed zero2 " in message


def test_zero3_fits_on_eight_40gb_gpus_and_offload_on_one() -> None:
    assert check(8, {"zero_optimization": {"stage": 3}}, 40).name == "ZeRO-3"
    with pytest.raises(SciglmError, match="--deepspeed zero3-offload "):
        check(1, {"zero_optimization": {"stage": 3}}, 40)
    offload = {"zero_optimization": {"stage": 3, "offload_optimizer": {"device": "cpu"}}}
    assert check(1, offload, 40).name == "ZeRO-3 + CPU offload"
