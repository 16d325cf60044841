"""What the model trains on: the first examples of a mixture rendered as a recipe renders them
(text, token ids, tokens, which tokens carry loss), and the run's optimizer-step plan.

Used by ``sciglm render`` and ``sciglm train --dry-run``; nothing here loads a model.
"""

from __future__ import annotations

from typing import Any

from sciglm.train.config import TrainConfig
from sciglm.train.data import IGNORE_INDEX, make_encoder
from sciglm.train.recipes import optimisation, optimizer_steps


def render_records(records: list[dict[str, str]], tokenizer: Any, config: TrainConfig,
                   count: int) -> list[dict[str, Any]]:
    """The first ``count`` records as the model sees them, one dict per example.

    ``input_ids``/``labels``/``loss_mask``/``tokens`` are the whole row, padding included where
    the recipe pads (``sciglm``: to 641); ``text`` is the decoded row without padding and
    ``loss_text`` the decoded tokens that carry loss.
    """
    encode = make_encoder(tokenizer, config.prompt_format, config.max_source_length,
                          config.max_target_length)
    pad_to = config.max_length if config.packing == "none" and config.pad_to_max_length else None
    rendered = []
    for index, record in enumerate(records[:count]):
        example = encode(record["content"], record["summary"])
        ids, labels = list(example["input_ids"]), list(example["labels"])
        real = len(ids)
        if pad_to is not None and real < pad_to:
            ids += [tokenizer.pad_token_id] * (pad_to - real)
            labels += [IGNORE_INDEX] * (pad_to - real)
        mask = [int(label != IGNORE_INDEX) for label in labels]
        prompt = next((i for i, m in enumerate(mask) if m), real)
        rendered.append({
            "index": index, "recipe": config.recipe, "prompt_format": config.prompt_format,
            "text": tokenizer.decode(ids[:real], skip_special_tokens=False),
            "loss_text": tokenizer.decode([t for t, m in zip(ids, mask, strict=True) if m],
                                          skip_special_tokens=False),
            "length": len(ids), "prompt_tokens": prompt, "loss_tokens": sum(mask),
            "padding": len(ids) - real, "input_ids": ids, "labels": labels, "loss_mask": mask,
            "tokens": tokenizer.convert_ids_to_tokens(ids),
        })
    return rendered


def format_example(example: dict[str, Any]) -> str:
    """A readable block for the terminal: counts, text, the loss-carrying text, ids and mask."""
    mask = "".join("#" if m else "." for m in example["loss_mask"])
    if example["padding"]:
        mask = mask[:-example["padding"]] + f" + {example['padding']} padding"
    return "\n".join([
        f"── example {example['index']} · recipe {example['recipe']} · {example['length']} "
        f"tokens: {example['prompt_tokens']} prompt, {example['loss_tokens']} with loss, "
        f"{example['padding']} padding",
        f"text: {example['text']!r}",
        f"loss on: {example['loss_text']!r}",
        f"input_ids: {example['input_ids'][:len(example['input_ids']) - example['padding']]}",
        f"loss mask (# = carries loss): {mask}",
    ])


def step_plan(config: TrainConfig, examples: int, rows: int | None, world_size: int) -> dict:
    """How the run batches: examples and items (rows when packed into bins) per optimizer
    step and the number of optimizer steps, counted as HF Trainer counts them."""
    items = rows if config.packing == "bins" and rows is not None else examples
    steps = optimizer_steps(items, config.per_device_batch_size,
                            config.gradient_accumulation_steps or 1, world_size, config.epochs,
                            config.max_steps)
    per_step = config.per_device_batch_size * (config.gradient_accumulation_steps or 1) * \
        world_size
    return {"recipe": config.recipe, "examples": examples, "items": items,
            "item": "packed row" if config.packing == "bins" else "example",
            "per_device": config.per_device_batch_size,
            "accumulation": config.gradient_accumulation_steps, "world_size": world_size,
            "items_per_step": per_step, "epochs": config.epochs, "max_steps": config.max_steps,
            "optimizer_steps": steps,
            "optimisation": optimisation(config.recipe, config.max_grad_norm,
                                         config.lr_scheduler, config.deepspeed)}


def describe_plan(plan: dict) -> str:
    """One line: what one optimizer step holds and how many the run takes."""
    approx = ""
    if plan["item"] == "packed row" and plan["items"]:
        approx = f" (~{plan['items_per_step'] * plan['examples'] / plan['items']:.1f} examples)"
    length = f"{plan['epochs']:g} epoch(s)" if plan["max_steps"] <= 0 else "--max-steps"
    return (f"recipe {plan['recipe']}: {plan['examples']} examples; "
            f"{plan['items_per_step']} {plan['item']}s per optimizer step{approx} "
            f"({plan['per_device']} per device x {plan['accumulation']} accumulation x "
            f"{plan['world_size']} process(es)); {length}: "
            f"{plan['optimizer_steps']} optimizer steps{_deepspeed_note(plan.get('deepspeed'))}")


def _deepspeed_note(deepspeed: dict[str, Any] | None) -> str:
    if not deepspeed:
        return ""
    offload = " + CPU offload" if deepspeed["offload"] else ""
    return f"; DeepSpeed ZeRO-{deepspeed['zero_stage']}{offload} ({deepspeed['file']})"


def dry_run(config: TrainConfig, count: int, world_size: int) -> tuple[dict, list[dict]]:
    """(step plan, first ``count`` rendered examples) for ``config`` on ``world_size``
    processes, loading only the tokenizer; bad data, an unknown model or a global batch that
    cannot be held fail here as they would in a run."""
    from sciglm.train.data import read_records, tokenize_records
    from sciglm.train.model import load_config, load_tokenizer

    config.validate(need_output=False)
    config = config.with_world_size(world_size)
    records = read_records(config.data)
    model_path, _ = load_config(config.model, config.trust_remote_code)
    tokenizer = load_tokenizer(model_path, config.trust_remote_code)
    rows = None
    if config.packing == "bins":
        from sciglm.train.packing import pack_lengths

        lengths = tokenize_records(records, tokenizer, config.max_source_length,
                                   config.max_target_length, None, config.num_proc,
                                   config.prompt_format)["length"]
        rows = len(pack_lengths(lengths, config.max_length))
    plan = step_plan(config, len(records), rows, world_size)
    plan["deepspeed"] = deepspeed_plan(config.deepspeed)
    return plan, render_records(records, tokenizer, config, count)


def deepspeed_plan(value: str | None) -> dict[str, Any] | None:
    """What ``--deepspeed`` names: the config file and its ZeRO stage (a bad name or file fails
    here as it would in a run)."""
    if not value:
        return None
    from sciglm.train.deepspeed_config import load_deepspeed_config, resolve_deepspeed_config
    from sciglm.train.memory import zero_stage_of

    stage, offload = zero_stage_of(load_deepspeed_config(value))
    return {"config": value, "file": resolve_deepspeed_config(value), "zero_stage": stage,
            "offload": offload}
