"""Imported last by the worker pool's fork server (``build.WorkerPool``): the
work every worker would otherwise do once for itself, done once in the server,
before the workers are forked from it.

- The package's templates are compiled into the process's cache
  (``templating.compiled_templates``, shared by every language). A project's
  own templates are compiled by each worker that first meets them: the cache
  is keyed by file and checked against its text, so nothing stale is used.
- The questionnaire editions are read and validated (``questionnaire.load``
  keeps each).
- With the PDF writer loaded, fontconfig is started (its configuration and
  font cache are read once per process).
- Modules the libraries import on first use (Pillow's image plugins, the
  email package that WeasyPrint's fetched responses use) are imported here,
  as pebble's worker loop and reportgen.build are (``build.POOL_MODULES``).
  Each worker imported them after the fork, outside the freeze: a 2-worker
  build of Paraguay's four documents needed 5 % more CPU (paired runs).
- Last, everything the server holds is moved out of the garbage collector's
  reach (``gc.freeze``), as Python's documentation advises before forking:
  a worker's full collections then never walk the ~200,000 objects of the
  imports, and never write to their pages (which the fork shares). The
  workers' ``build.frozen_heap`` sees the freeze and leaves it alone; what a
  document leaves is collected as usual, in the worker. Paraguay en/es on 2
  workers, paired runs: 6.84 -> 6.50 s of CPU (issue 16).

Two workers each spent ~0.2 s of CPU on this before their first document
(issue 16). Nothing here can fail the build: a problem is left for the
worker that meets it to report, in its document's terms.
"""

from __future__ import annotations

import gc
import sys


def warm() -> None:
    from reportgen import questionnaire
    from reportgen.environment import make_environment
    from reportgen.i18n import Locale
    from reportgen.paths import TEMPLATES

    try:
        environment = make_environment(TEMPLATES, Locale("en"))
        for name in environment.list_templates(extensions=["j2"]):
            environment.get_template(name)
        for edition in questionnaire.available():
            questionnaire.load(edition)
        if "PIL.Image" in sys.modules:  # the charts' PNGs (DOCX); WeasyPrint's images
            from PIL import Image

            Image.preinit()  # the common image plugins, else imported by each worker's first save
        if "reportgen.writers.pdf" in sys.modules:
            import email.policy  # noqa: F401  (WeasyPrint's fetched responses parse headers with it)

            from weasyprint.text.fonts import FontConfiguration

            FontConfiguration()
    except Exception:  # see the docstring: the worker that meets the problem reports it
        return


warm()
gc.freeze()
