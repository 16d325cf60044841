"""Which model a run talks to: checked against the server's ``/v1/models`` before any work, so
a misspelt ``--model`` is one error at the start, not every request refused (HTTP 400/404)."""

from __future__ import annotations

from sciglm.endpoint.client import EndpointClient
from sciglm.errors import SciglmError


async def choose_model(client: EndpointClient, model: str | None) -> str:
    """Check the server answers (before any work) and that it serves ``model``."""
    served = await client.served_models()
    if served is None:
        if not model:
            raise SciglmError(f"{client.base_url} lists no models: name one with --model")
        return model
    if not model:
        if len(served) == 1:
            return served[0]
        shown = ", ".join(served[:10]) or "none"
        raise SciglmError(
            f"{client.base_url} serves several models: pick one with --model ({shown})"
        )
    if model not in served:
        shown = ", ".join(served[:10]) + (" …" if len(served) > 10 else "")
        raise SciglmError(f"model {model!r} is not served by {client.base_url} (served: {shown})")
    return model
