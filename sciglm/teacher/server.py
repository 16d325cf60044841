"""The embedded teacher: a model folder served by ``transformers serve`` on 127.0.0.1.

``transformers serve FOLDER --continuous-batching`` is an OpenAI-compatible server (it runs
on CPU); requests must name the served folder as their ``model``, and it ignores ``n``. The
server runs offline (``HF_HUB_OFFLINE=1``) in its own process group, dies with its parent
(``PR_SET_PDEATHSIG`` on Linux, so a ``kill -9`` of sciglm leaves no orphan), and is
stopped when the :class:`EmbeddedTeacher` context ends.

The server's KV cache is bounded (:data:`KV_CACHE_MB`): left to itself, continuous batching
sizes it to 60 % of the free memory, and the 135M teacher sat at 13.8 GB before its first
request (and was killed for it on a 24 GB machine). The cache is given in blocks of
``PAGE_SIZE`` tokens, sized from the model's own ``config.json``.

Torch runs with one thread by default: on a small shared CPU, OpenMP threads that spin for
cores held by other processes made one 48-token answer take 30 s instead of 4.5 s
(measured here, see docs/annotate.md); continuous batching gives the parallelism instead.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from sciglm.errors import SciglmError
from sciglm.models.embedded import cache_dir
from sciglm.models.resolve import resolve_model

READY_TIMEOUT = 300.0  # seconds for the model to load
THREADS = 1  # torch CPU threads of the server (see above)
LOG_LINES = 8  # lines of the server log shown when it fails
#: Megabytes of KV cache of the continuous-batching server: ≈ 5,800 tokens of the 135M teacher
#: (float32); requests beyond it wait for room. Measured here (benchmarks/teacher_memory.py):
#: 8 answers at once took as long with 256 MB as with 512 MB, and the server stayed under 1.8 GB.
KV_CACHE_MB = 256
#: Tokens one forward pass of the server takes at most (its activations scale with it).
MAX_BATCH_TOKENS = 512
PAGE_SIZE = 256  # tokens per cache block (transformers' default page size)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    os.setsid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except OSError:
            pass


def kv_cache_blocks(model_dir: str, megabytes: int) -> int:
    """Cache blocks of :data:`PAGE_SIZE` tokens that fit in ``megabytes`` for this model.

    One token costs a key and a value per layer and KV head; counted at 4 bytes a value (the
    CPU's float32; a half-precision model then holds twice the tokens, never more memory).
    """
    config = json.loads(Path(model_dir, "config.json").read_text("utf-8"))
    config = config.get("text_config", config)
    heads = config["num_attention_heads"]
    kv_heads = config.get("num_key_value_heads") or heads
    head_dim = config.get("head_dim") or config["hidden_size"] // heads
    per_token = 2 * config["num_hidden_layers"] * kv_heads * head_dim * 4
    return max(1, megabytes * 2**20 // (per_token * PAGE_SIZE))


def serve_command(model_dir: str, port: int, continuous_batching: bool = True,
                  kv_cache_mb: int = KV_CACHE_MB) -> list[str]:
    """The ``transformers serve`` command line for ``model_dir`` on 127.0.0.1:``port``, its
    continuous-batching KV cache bounded to ``kv_cache_mb``."""
    command = [
        sys.executable, "-c", "from transformers.cli.transformers import main; main()",
        "serve", model_dir, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]
    if continuous_batching:
        command[4:4] = [
            "--continuous-batching",
            "--cb-num-blocks", str(kv_cache_blocks(model_dir, kv_cache_mb)),
            "--cb-max-batch-tokens", str(MAX_BATCH_TOKENS),
        ]
    return command


class EmbeddedTeacher:
    """Start the server, wait until it answers, stop it afterwards.

    >>> with EmbeddedTeacher() as teacher:          # doctest: +SKIP
    ...     print(teacher.base_url, teacher.model)
    """

    def __init__(self, model: str | None = None, port: int | None = None,
                 ready_timeout: float = READY_TIMEOUT, log_path: str | None = None,
                 threads: int = THREADS, kv_cache_mb: int = KV_CACHE_MB) -> None:
        self.model = str(Path(resolve_model(model)).resolve())
        if not Path(self.model, "config.json").exists():
            raise SciglmError(f"{self.model}: not a model folder (no config.json)")
        self.port = port or free_port()
        self.ready_timeout = ready_timeout
        self.threads = max(1, threads)
        self.kv_cache_mb = kv_cache_mb
        default_log = cache_dir() / "teacher" / f"serve-{self.port}.log"
        self.log_path = Path(log_path) if log_path else default_log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        hub = Path(env.get("HF_HUB_CACHE") or cache_dir() / "hf-hub")
        hub.mkdir(parents=True, exist_ok=True)
        env |= {"HF_HUB_OFFLINE": "1", "HF_HUB_CACHE": str(hub), "TOKENIZERS_PARALLELISM": "false",
                "OMP_NUM_THREADS": str(self.threads), "MKL_NUM_THREADS": str(self.threads)}
        return env

    def start(self) -> None:
        """Launch the server and block until ``/health`` answers (or raise with its log)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own fixed command line
                serve_command(self.model, self.port, kv_cache_mb=self.kv_cache_mb),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=self._env(),
                preexec_fn=_die_with_parent,
            )
        deadline = time.monotonic() + self.ready_timeout
        health = f"http://127.0.0.1:{self.port}/health"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SciglmError(self.death_report("while starting"))
            try:
                with urllib.request.urlopen(health, timeout=2) as answer:  # noqa: S310 - loopback
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.25)
        self.stop()
        raise SciglmError(
            f"the embedded teacher did not answer within {self.ready_timeout:g}s "
            f"(log: {self.log_path})"
        )

    def log_tail(self, lines: int = LOG_LINES) -> str:
        """The last ``lines`` non-empty lines of the server's log, each on its own line."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return f"(no log at {self.log_path})"
        kept = [line.rstrip() for line in text.splitlines() if line.strip()][-lines:]
        return "\n".join("  " + line[:300] for line in kept) or "  (empty log)"

    def died(self) -> bool:
        """Whether the server was started and has exited on its own."""
        return self.process is not None and self.process.poll() is not None

    def death_report(self, when: str) -> str:
        """How the server ended: exit code or signal, the log's path and its last lines."""
        code = self.process.poll() if self.process is not None else None
        how = f"exit code {code}"
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            how = f"killed by {name}" + (" (out of memory?)" if name == "SIGKILL" else "")
        return (f"the embedded teacher died {when} ({how}); log: {self.log_path}, last lines:\n"
                f"{self.log_tail()}")

    def stop(self) -> None:
        """Terminate the server's process group (kill it after 10 s)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def __enter__(self) -> EmbeddedTeacher:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
