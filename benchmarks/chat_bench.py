"""Time to first streamed token in ``sciglm chat`` (goal: under 0.5 s with the embedded model).

Measures the chat's own path: the model folder loaded once and warmed up as ``sciglm chat``
does, then for each question the session's messages go through the chat template and
``LocalModel.stream`` (TextIteratorStreamer in a thread); the clock runs from the call to the
first non-empty text piece. Questions are asked in one growing conversation, so later turns
also pay for a longer prompt, as in a real chat.

    .venv/bin/python benchmarks/chat_bench.py            # embedded SmolLM2-135M-Instruct
    .venv/bin/python benchmarks/chat_bench.py --model run/final --turns 8
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time

QUESTIONS = [
    "What is 7 times 6?",
    "Explain Newton's second law in one sentence.",
    "What is the derivative of x^2 sin(x)?",
    "Balance the equation H2 + O2 -> H2O.",
    "How many moles are in 18 grams of water?",
    "What is the speed of light in a vacuum?",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=None, help="model folder (default: embedded)")
    parser.add_argument("--turns", type=int, default=6, help="questions in the conversation")
    parser.add_argument("--max-tokens", type=int, default=32, help="tokens per reply")
    args = parser.parse_args()

    from sciglm.chat.session import ChatSession
    from sciglm.generation.base import GenParams
    from sciglm.generation.factory import load_model

    started = time.perf_counter()
    model = load_model(args.model, batch_size=1)
    loaded = time.perf_counter() - started
    model.warmup()
    warm = time.perf_counter() - started - loaded
    session = ChatSession(params=GenParams(max_tokens=args.max_tokens))
    first_token: list[float] = []
    rates: list[float] = []
    print(f"model: {model.label}  load: {loaded:.2f} s  warm-up: {warm:.2f} s  "
          f"cpus: {os.cpu_count()}  OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}")
    print(f"{'turn':>4}  {'prompt tok':>10}  {'first token s':>13}  {'tokens/s after':>14}")
    for turn in range(args.turns):
        session.add("user", QUESTIONS[turn % len(QUESTIONS)])
        prompt_tokens = len(model.tokenizer(model.render(session.messages()))["input_ids"])
        began = time.perf_counter()
        first = None
        text = ""
        for piece in model.stream(session.messages(), session.params, threading.Event()):
            if first is None:
                first = time.perf_counter() - began
            text += piece
        total = time.perf_counter() - began
        session.add("assistant", text.strip())
        assert first is not None, "the model produced no text"
        tokens = len(model.tokenizer(text)["input_ids"])
        rate = (tokens - 1) / (total - first) if total > first and tokens > 1 else 0.0
        first_token.append(first)
        rates.append(rate)
        print(f"{turn + 1:>4}  {prompt_tokens:>10}  {first:>13.3f}  {rate:>14.1f}")
    median = statistics.median(first_token)
    print(f"time to first token: median {median:.3f} s, max {max(first_token):.3f} s "
          f"over {len(first_token)} turns; goal < 0.5 s: {'met' if median < 0.5 else 'NOT met'}")
    print(f"decode speed after the first token: median {statistics.median(rates):.1f} tokens/s")


if __name__ == "__main__":
    main()
