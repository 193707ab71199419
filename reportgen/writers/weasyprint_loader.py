"""Imports WeasyPrint without running a compiler to find its libraries.

WeasyPrint loads each system library (GObject, Pango, HarfBuzz, fontconfig…)
by trying up to six names, Windows' and macOS' first. cffi hands each name
the dynamic loader does not know to ``ctypes.util.find_library``, which on
Linux runs ``ldconfig -p``, then ``gcc`` and ``ld``, once per name: 24 names,
~0.25 s of CPU for every process that imports WeasyPrint here (measured side
by side; WeasyPrint issue #1125 saw the same ``gcc`` runs). The Linux names
further down each list, the sonames, are what the loader finds by itself.

So while WeasyPrint is imported, ``find_library`` answers from the loader's
cache (``ldconfig -p``) alone. Where that is not enough (a library reachable
only through the compiler's search), the import is made again with the full
lookup, exactly as WeasyPrint would have made it. The optional libraries
(HarfBuzz's subset and vector parts) fail without an error and are not tried
again; the full lookup could not have found them either, unless their soname
differs from the one WeasyPrint tries: on Linux it yields a soname too, which
the loader then has to find by itself.

The lookup and ``sys.stdout`` are swapped for the whole process during the
import (~0.5 s, once per process; the preview's server makes it in a request
thread, where no other thread prints). Importing this module does the import;
``reportgen.writers.pdf`` imports it first.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys
import warnings
from collections.abc import Callable, Iterator

# The loader's cache only: what find_library asks first (Python's own helper).
_FROM_LOADER_CACHE: Callable[[str], str | None] | None = getattr(ctypes.util, "_findSoname_ldconfig", None)


@contextlib.contextmanager
def _find_library_from_loader_cache() -> Iterator[None]:
    full = ctypes.util.find_library
    ctypes.util.find_library = _FROM_LOADER_CACHE or full  # type: ignore[assignment]  # for this import only
    try:
        yield
    finally:
        ctypes.util.find_library = full


def _import() -> None:
    # Without the system's libharfbuzz-subset, importing WeasyPrint 70 warns that a
    # future version will need it; the PDFs are the same (fontTools subsets them),
    # and the warning is for whoever installs the system, not for reportgen users.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset will be required", category=DeprecationWarning)
        import weasyprint  # noqa: F401


def load() -> None:
    if not sys.platform.startswith("linux") or "weasyprint" in sys.modules:
        _import()
        return
    try:
        # WeasyPrint prints installation advice before raising; it is only
        # advice if the full lookup below fails too, and that prints it again.
        with _find_library_from_loader_cache(), contextlib.redirect_stdout(io.StringIO()):
            _import()
    except OSError:
        # The modules the failed import finished stay behind, and a new package
        # module would lack them as attributes: WeasyPrint starts again whole.
        for name in [name for name in sys.modules if name == "weasyprint" or name.startswith("weasyprint.")]:
            del sys.modules[name]
        _import()


load()
