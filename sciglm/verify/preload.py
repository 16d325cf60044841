"""Imported by the verifier fork server: load plugins and warm subjects before forking."""

from sciglm.verify.worker import warm_up

warm_up()
