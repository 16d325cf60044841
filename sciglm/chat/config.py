"""``sciglm chat``'s one config: every option with its default and help, in one place; the
command's click options are derived from it (:func:`sciglm.config.click_options`)."""

from __future__ import annotations

from dataclasses import dataclass

from sciglm.chat.session import ChatSession
from sciglm.config import option
from sciglm.generation.base import GenParams


@dataclass
class ChatConfig:
    """What a chat starts with: the model, the system prompt, the generation settings."""

    model: str | None = option(None, "'embedded' (default), a local folder, a Hub id or "
                               "catalogue name (e.g. zd21/SciGLM-6B; see `sciglm models`), or "
                               "the endpoint's model name.")
    base_url: str | None = option(None, "OpenAI-compatible endpoint, e.g. "
                                  "http://localhost:8000/v1 (key: $OPENAI_API_KEY).")
    system: str | None = option(None, "System prompt (default: the model's own).")
    subject: str = option(ChatSession.subject, "Subject used by /verify.")
    temperature: float = option(GenParams.temperature, "Sampling temperature; 0 is greedy.")
    top_p: float = option(GenParams.top_p, "Nucleus sampling mass.")
    max_tokens: int = option(GenParams.max_tokens, "Longest reply, in tokens.")
    load_path: str | None = option(None, "Continue a conversation saved with /save.",
                                   flag="--load", path="file")

    def params(self) -> GenParams:
        """The generation settings, checked."""
        params = GenParams(max_tokens=self.max_tokens, temperature=self.temperature,
                           top_p=self.top_p)
        params.check()
        return params
