"""Model locations: the embedded default model, the Hub, the conversion cache, and
:func:`sciglm.models.resolve.resolve_model`, which turns ``--model`` into a local folder."""
