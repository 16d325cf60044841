"""One catalogue answers "where does this come from": public data sets (:mod:`.data`) and
models (:mod:`.models`), each with its Hub id, pinned revision, files, licence and citation.

Loaders, ``sciglm data …``, decontamination defaults, the benchmark registry, ``sciglm models …``
and model loading all read it instead of keeping lists of their own.
"""
