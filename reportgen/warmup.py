"""The work every worker would otherwise do once for itself, done once in
the process the workers are forked from, before they are: the pool's fork
server (``build.WorkerPool``, through ``reportgen.forkserver_warmup``) or a
build process that forks its own (``reportgen.forkjoin``).

- The package's templates are loaded into the process's cache
  (``templating.compiled_templates``, shared by every language; compiled
  only when the cache folder on disk does not have them). A project's own
  templates are the same code where their text is the same; the others are
  loaded by each worker that first meets them (the cache is keyed by name
  and text, so nothing stale is used).
- The questionnaire editions are read and validated (``questionnaire.load``
  keeps each).
- The characters of the bundled Latin faces are read (``fonts.cmap``), for
  the glyph check.
- With the PDF writer loaded, fontconfig is started (its configuration and
  font cache are read once per process), and a line is laid out and
  written as a tagged PDF: WeasyPrint sets up on first use what each worker
  would otherwise set up for itself (cffi parses the C types it allocates,
  fontTools and pydyf their tables). With both, a worker's first Paraguay
  document took no more CPU than its second, where it took ~0.3 s more;
  the page costs the server ~0.1 s. The whole 2-worker build of the four
  documents moved by ~1 % (30 paired runs, less than this machine's noise).
  The PDFs are the same bytes (tests/writers/test_pdf.py).
- Modules the libraries import on first use (Pillow's image plugins, the
  email package that WeasyPrint's fetched responses use) are imported here,
  as pebble's worker loop and reportgen.build are (``build.POOL_MODULES``).
  Each worker imported them after the fork, outside the freeze: a 2-worker
  build of Paraguay's four documents needed 5 % more CPU (paired runs).
- Then everything the process holds is moved out of the garbage collector's
  reach (``gc.freeze``, by the caller), as Python's documentation advises before forking:
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

import sys

# Text only: nothing to fetch, nothing read but the system's fonts.
WARM_UP_PAGE = '<html lang="en"><body><h1>Warm-up</h1><p>A line, <b>bold</b> and <i>italic</i>: 1.</p></body></html>'


def warm() -> None:
    from reportgen import fonts, questionnaire
    from reportgen.build import DEFAULT_PDF_VARIANT
    from reportgen.environment import load_templates
    from reportgen.paths import TEMPLATES

    try:
        load_templates(TEMPLATES)
        for edition in questionnaire.available():
            questionnaire.load(edition)
        for face in fonts.NOTO_SANS:  # every language's first family: the glyph check reads its characters
            fonts.cmap(face, TEMPLATES)
        if "PIL.Image" in sys.modules:  # the charts' PNGs (DOCX); WeasyPrint's images
            from PIL import Image

            Image.preinit()  # the common image plugins, else imported by each worker's first save
        if "reportgen.writers.pdf" in sys.modules:
            import email.policy  # noqa: F401  (WeasyPrint's fetched responses parse headers with it)

            from weasyprint import HTML
            from weasyprint.text.fonts import FontConfiguration

            FontConfiguration()
            # A line laid out and written as the build's PDFs are: what WeasyPrint
            # and its libraries set up on first use (cffi's C types, the font
            # subsetter, the PDF writer) is then set up here, once.
            HTML(string=WARM_UP_PAGE).write_pdf(pdf_variant=DEFAULT_PDF_VARIANT, pdf_tags=True)
    except Exception:  # see the docstring: the worker that meets the problem reports it
        return
