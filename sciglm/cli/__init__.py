"""The ``sciglm`` command line: one module per command, loaded only when used."""
