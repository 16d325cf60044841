"""``sciglm chat``: a terminal conversation with a local model or an endpoint."""
