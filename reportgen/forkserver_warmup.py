"""Imported last by the worker pool's fork server (``build.WARM_UP``): the
workers' shared set-up (``reportgen.warmup``), then everything the server
holds frozen, so that no worker's collection walks or writes it."""

import gc

from reportgen.warmup import warm

warm()
gc.freeze()
