"""A local Hugging Face causal LM: batched greedy generation and token streaming on CPU or GPU.

Prompts go through the model's own chat template. Batches are left-padded and sorted by prompt
length, so the same inputs always form the same batches and greedy results repeat exactly.
Streaming runs ``generate`` in a thread feeding a ``TextIteratorStreamer``; a stop event checked
by a stopping criterion ends it early (Ctrl-C in chat) without killing anything.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sciglm.errors import SciglmError
from sciglm.generation.base import GenParams, OnBatch
from sciglm.records import Message

POLL_SECONDS = 0.1  # how often the streaming loop wakes up to notice Ctrl-C


def _cache_argument() -> str:
    """``generate``'s name for a key/value cache to start from (renamed in transformers 5)."""
    import transformers

    return "cache" if int(transformers.__version__.split(".")[0]) >= 5 else "past_key_values"


# Idle OpenMP threads sleep instead of spinning. On a busy CPU (verifier workers, other jobs)
# spinning threads starve each other: 4 answers of 64 tokens took 144 s instead of 17 s on
# 2 shared cores. Only effective when torch is first imported after this module.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


class LocalModel:
    """A transformers model folder loaded once, used for many generations."""

    def __init__(self, path: str | Path, batch_size: int = 8, device: str | None = None,
                 label: str | None = None) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        self.path = Path(path)
        self.label = label or (self.path.name if self.path.name != "final" else
                               self.path.parent.name)
        self.batch_size = max(1, batch_size)
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(self.path, padding_side="left")
            dtype = torch.bfloat16 if self.device == "cuda" else torch.float32
            self.model = AutoModelForCausalLM.from_pretrained(self.path, dtype=dtype)
        except (OSError, ValueError) as exc:
            raise SciglmError(f"{self.path}: cannot load model: {exc}") from exc
        self.model.to(self.device).eval()
        self._cache_argument = _cache_argument()
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self._cache: Any = None  # key/value cache of the last streamed turn (chat)
        self._cache_ids: list[int] = []
        #: Which replies of the last batch call the token limit cut off; the last stream's.
        self.truncated: list[bool] = []
        self.stream_truncated = False

    # -- prompts ----------------------------------------------------------------------------
    def render(self, messages: list[Message]) -> str:
        """The conversation as the model sees it, ending with the assistant's turn opening.

        A base model without a chat template can still complete plain prompts (SciGLM's
        round format); only chat needs the template.
        """
        if not self.tokenizer.chat_template:
            raise SciglmError(f"{self.path}: the tokenizer has no chat template (for plain-text "
                              "prompts use sciglm eval --prompt-format sciglm)")
        return self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, tokenize=False
        )

    def _config(self, params: GenParams) -> Any:
        from transformers import GenerationConfig

        options: dict[str, Any] = {
            "max_new_tokens": params.max_tokens,
            "do_sample": not params.greedy,
            "pad_token_id": self.tokenizer.pad_token_id,
            "eos_token_id": self.model.generation_config.eos_token_id
            or self.tokenizer.eos_token_id,
        }
        if not params.greedy:
            options.update(temperature=params.temperature, top_p=params.top_p, top_k=0)
        return GenerationConfig(**options)

    def encode(self, messages: list[Message]) -> list[int]:
        """Token ids of the conversation as the model sees it (:meth:`render`), with special
        tokens only where the chat template writes them: text typed by a user stays text."""
        from sciglm.train.chatglm_tokenizer import encode_chat

        self.render(messages)  # the template check, with its one-line error
        return encode_chat(self.tokenizer, messages, add_generation_prompt=True)

    def _batch(self, ids: list[list[int]]) -> Any:
        """Left-padded tensors of a batch of token id lists, on the model's device."""
        return self.tokenizer.pad({"input_ids": ids}, return_tensors="pt").to(self.device)

    def warmup(self) -> None:
        """One tiny generation so the first real reply does not pay for lazy initialisation."""
        self.generate([[{"role": "user", "content": "Hi"}]], GenParams(max_tokens=1))

    # -- batched generation -----------------------------------------------------------------
    def generate(
        self,
        conversations: Sequence[list[Message]],
        params: GenParams,
        on_batch: OnBatch | None = None,
    ) -> list[str]:
        """One reply per conversation, generated in batches of ``batch_size``."""
        return self._generate([self.encode(messages) for messages in conversations], params,
                              on_batch)

    def complete_text(
        self, prompts: Sequence[str], params: GenParams, on_batch: OnBatch | None = None
    ) -> list[str]:
        """Each prompt text continued as is, in batches: encoded with the tokenizer's special
        tokens around it (ChatGLM3's ``[gMASK]sop`` prefix, as SciGLM's evaluation script did)
        and none read from the text, no chat template."""
        ids = [list(self.tokenizer(text, add_special_tokens=True,
                                   split_special_tokens=True)["input_ids"]) for text in prompts]
        return self._generate(ids, params, on_batch)

    def _generate(self, ids: list[list[int]], params: GenParams,
                  on_batch: OnBatch | None) -> list[str]:
        """Replies to prompts given as token ids, in batches of similar length, input order."""
        import torch

        order = sorted(range(len(ids)), key=lambda i: (len(ids[i]), i))
        replies: list[str] = [""] * len(ids)
        self.truncated = [False] * len(ids)
        config = self._config(params)
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            encoded = self._batch([ids[i] for i in chunk])
            with torch.inference_mode():
                output = self.model.generate(**encoded, generation_config=config)
            new_tokens = output[:, encoded["input_ids"].shape[1] :]
            decoded = self.tokenizer.batch_decode(new_tokens, skip_special_tokens=True)
            for row, (index, text) in enumerate(zip(chunk, decoded, strict=True)):
                replies[index] = text.strip()
                self.truncated[index] = self._cut_off(new_tokens[row].tolist(), params)
            if on_batch is not None:
                on_batch(len(chunk))
        return replies

    def _cut_off(self, new_ids: list[int], params: GenParams) -> bool:
        """Whether generation stopped at the token limit, not at an end-of-sequence token."""
        if len(new_ids) < params.max_tokens:
            return False
        ends = self.model.generation_config.eos_token_id or self.tokenizer.eos_token_id
        ends = set(ends if isinstance(ends, list) else [ends])
        ends.add(self.tokenizer.pad_token_id)
        return new_ids[-1] not in ends

    # -- streaming --------------------------------------------------------------------------
    def stream(
        self, messages: list[Message], params: GenParams, stop: threading.Event
    ) -> Iterator[str]:
        """Reply pieces as they are decoded; setting ``stop`` ends generation at the next token."""
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        class StopOnEvent(StoppingCriteria):
            def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
                return torch.full((input_ids.shape[0],), stop.is_set(), dtype=torch.bool)

        streamer = TextIteratorStreamer(
            self.tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=POLL_SECONDS
        )
        encoded = self._batch([self.encode(messages)])
        self.stream_truncated = False
        cache = self._reusable_cache(encoded["input_ids"][0].tolist())
        failure: list[BaseException] = []

        def run() -> None:
            try:
                with torch.inference_mode():
                    output = self.model.generate(
                        **encoded,
                        generation_config=self._config(params),
                        streamer=streamer,
                        stopping_criteria=StoppingCriteriaList([StopOnEvent()]),
                        **{self._cache_argument: cache},
                    )
                self._cache_ids = output[0].tolist()[: cache.get_seq_length()]
                self.stream_truncated = self._cut_off(
                    output[0].tolist()[encoded["input_ids"].shape[1]:], params)
            except BaseException as exc:  # noqa: BLE001 - handed to the reading thread
                self._cache, self._cache_ids = None, []
                failure.append(exc)
                streamer.end()

        thread = threading.Thread(target=run, name="sciglm-generate", daemon=True)
        thread.start()
        try:
            while True:
                try:
                    piece = next(streamer)
                except StopIteration:
                    break
                except queue.Empty:
                    if not thread.is_alive() and streamer.text_queue.empty():
                        break
                    continue
                if piece:
                    yield piece
        finally:
            stop.set()
            _join(thread)
        if failure:
            raise SciglmError(f"generation failed: {type(failure[0]).__name__}: {failure[0]}")

    def _reusable_cache(self, ids: list[int]) -> Any:
        """The previous turn's key/value cache cut to the prefix it shares with ``ids``.

        A chat's next prompt repeats the whole conversation so far, so only the new tokens
        (the last reply's end, the new question) need a forward pass: the first token of a
        reply comes as fast on turn ten as on turn one.
        """
        from transformers import DynamicCache

        shared = 0
        for old, new in zip(self._cache_ids, ids, strict=False):
            if old != new:
                break
            shared += 1
        shared = min(shared, len(ids) - 1)  # the last prompt token must be run to get logits
        if self._cache is None or shared == 0:
            self._cache = DynamicCache(config=self.model.config)
        elif self._cache.get_seq_length() > shared:
            self._cache.crop(shared - self._cache.get_seq_length())  # negative: tokens to drop
        self._cache_ids = ids[:shared]
        return self._cache

    def close(self) -> None:
        """Drop the conversation cache."""
        self._cache, self._cache_ids = None, []


def _join(thread: threading.Thread) -> None:
    """Wait for the generation thread, even through repeated Ctrl-C."""
    while thread.is_alive():
        try:
            thread.join(timeout=POLL_SECONDS)
        except KeyboardInterrupt:
            continue
