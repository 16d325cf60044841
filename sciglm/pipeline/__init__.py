"""The one-command pipeline: annotate → verify → filter → mix → train → eval before/after."""
