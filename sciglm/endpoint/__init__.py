"""The one client for OpenAI-compatible endpoints, used by annotation, evaluation and chat.

:mod:`.client` (async requests: concurrency limit, retries with backoff, streaming with an idle
timeout, token counts), :mod:`.cache` (responses by request, in SQLite), :mod:`.batch` (the
OpenAI Batch API behind the same interface) and :mod:`.loopback` (a local stand-in server for
tests and benchmarks).
"""
