"""``reportgen serve``: a live preview of one profile for authors and translators.

A local HTTP server (127.0.0.1 only) shows the profile as standalone HTML and,
at ``/pdf``, as PDF. A watcher (watchfiles) rebuilds the one document on any
change under templates/, responses/ or locales/; the page listens to
server-sent events at ``/events`` and reloads itself, or shows the problem
(``FILE:LINE: message``) in an overlay until it is fixed. The last good page
stays underneath the overlay.
"""

from __future__ import annotations

import html
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from reportgen import model as m
from reportgen.config import Config
from reportgen.errors import ReportgenError
from reportgen.paths import LOCALES
from reportgen.project import Overlay
from reportgen.writers import TEMPLATES

KEEPALIVE_SECONDS = 15.0
EMPTY_PAGE = b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>reportgen</title></head><body></body></html>"

# Injected before </body>: listens to /events, reloads on a new build, shows errors.
CLIENT = """<div id="reportgen-error" role="alert" hidden style="position:fixed;inset:0;z-index:2147483647;
background:rgba(40,0,0,.88);color:#fff;font:15px/1.5 monospace;padding:2em;overflow:auto;white-space:pre-wrap">
</div>
<script>
(function () {
  var version = %(version)d, overlay = document.getElementById("reportgen-error");
  function show(state) {
    if (state.error) { overlay.textContent = state.error; overlay.hidden = false; }
    else if (state.version !== version) { location.reload(); }
    else { overlay.hidden = true; }
  }
  show(%(state)s);
  var events = new EventSource("/events");
  events.addEventListener("state", function (e) { show(JSON.parse(e.data)); });
})();
</script>
"""


@dataclass
class State:
    """What the page shows: the version of the last good build and the current problem."""

    version: int = 0
    error: str | None = None
    built_at: float = 0.0

    def as_json(self) -> str:
        return json.dumps({"version": self.version, "error": self.error})


@dataclass
class Preview:
    """One document kept current: rebuilt on demand, watched by the page."""

    responses: Path
    lang: str
    templates: Path = TEMPLATES
    locales: Path = LOCALES
    # A report project's own templates/ and locales/, laid over the defaults
    # into ``templates``/``locales``: watched, and copied again on a change.
    overlays: list[Overlay] = field(default_factory=list)
    state: State = field(default_factory=State)
    page: bytes = b""
    document: m.Document | None = None
    changed: threading.Condition = field(default_factory=threading.Condition)

    def rebuild(self) -> State:
        """Build the HTML again; a problem becomes the overlay's text, the last good page stays."""
        try:
            document, page = self._build()
        except ReportgenError as exc:
            self._publish(error=str(exc))
        except Exception as exc:  # a bug must not stop the preview
            self._publish(error=f"internal error: {type(exc).__name__}: {exc}")
        else:
            self._publish(document=document, page=page)
        return self.state

    def _build(self) -> tuple[m.Document, bytes]:
        from reportgen import questionnaire
        from reportgen.i18n import Locale
        from reportgen.narrative import build_document
        from reportgen.responses import load_responses
        from reportgen.writers.html import write_html

        responses, _ = load_responses(self.responses)
        catalog = questionnaire.load(responses.questionnaire)
        locale = Locale(self.lang, self.locales, country=responses.country)
        # Without consent to publish the preview still shows, marked "Not for publication".
        options = Config(templates=self.templates, internal=not responses.consents)
        result = build_document(responses, catalog, locale, options)
        return result.document, write_html(result.document, options)

    def _publish(self, error: str | None = None, document: m.Document | None = None, page: bytes = b"") -> None:
        with self.changed:
            if document is not None:
                self.document, self.page = document, page
                self.state = State(self.state.version + 1, None, time.time())
            else:
                self.state = State(self.state.version, error, time.time())
            self.changed.notify_all()

    def html(self) -> bytes:
        """The last good page with the client script (or only the overlay before any good build)."""
        with self.changed:
            state, page = self.state, self.page
        client = (CLIENT % {"version": state.version, "state": state.as_json()}).encode("utf-8")
        if not page:
            page = EMPTY_PAGE
        head, tail = page.rsplit(b"</body>", 1) if b"</body>" in page else (page, b"")
        return head + client + b"</body>" + tail

    def pdf(self) -> bytes:
        from reportgen.writers.pdf import write_pdf

        with self.changed:
            document = self.document
        if document is None:
            raise ReportgenError(self.state.error or "no document yet")
        return write_pdf(document, Config(templates=self.templates, pdf_variant=None))

    def states(self, stop: threading.Event, timeout: float = KEEPALIVE_SECONDS) -> Iterator[State | None]:
        """Each new state as it comes; None every ``timeout`` seconds (a keep-alive)."""
        with self.changed:
            seen = self.state
        yield seen
        while not stop.is_set():
            with self.changed:
                self.changed.wait_for(partial(self._moved_on, seen, stop), timeout)
                current = self.state
            if current is seen:
                yield None
            else:
                seen = current
                yield current

    def _moved_on(self, seen: State, stop: threading.Event) -> bool:
        return self.state is not seen or stop.is_set()

    def watched(self) -> list[Path]:
        folders = [self.templates, self.responses.parent, self.locales]
        overlaid = {o.path for o in self.overlays}
        folders = [p for p in folders if p not in overlaid] + [o.project for o in self.overlays]
        return [p for p in folders if p.exists()]

    def sync(self) -> None:
        """Lay the project's changed files over the defaults again."""
        for overlay in self.overlays:
            overlay.sync()


def watch(preview: Preview, stop: threading.Event, ready: threading.Event) -> None:
    """Rebuild on every change of the watched folders until ``stop`` is set;
    ``ready`` is set once the watcher sees changes (its first idle timeout)."""
    from watchfiles import watch as watch_files

    for changes in watch_files(*preview.watched(), stop_event=stop, debounce=50, step=20, rust_timeout=200,
                               yield_on_timeout=True):
        ready.set()
        if changes:
            preview.sync()
            preview.rebuild()


def make_handler(preview: Preview, stop: threading.Event) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "reportgen-serve"

        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/":
                self._send(HTTPStatus.OK, "text/html; charset=utf-8", preview.html())
            elif path == "/events":
                self._events()
            elif path == "/pdf":
                try:
                    self._send(HTTPStatus.OK, "application/pdf", preview.pdf())
                except ReportgenError as exc:
                    body = f"<pre>{html.escape(str(exc))}</pre>".encode()
                    self._send(HTTPStatus.CONFLICT, "text/html; charset=utf-8", body)
            else:
                self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found")

        def _send(self, status: HTTPStatus, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            try:
                for state in preview.states(stop):
                    chunk = ": keep-alive\n\n" if state is None else f"event: state\ndata: {state.as_json()}\n\n"
                    self.wfile.write(chunk.encode("utf-8"))
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler


@dataclass
class Server:
    """The preview's HTTP server and watcher threads; ``close()`` stops both."""

    preview: Preview
    httpd: ThreadingHTTPServer
    stop: threading.Event
    threads: list[threading.Thread]

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}/"

    def close(self) -> None:
        self.stop.set()
        with self.preview.changed:
            self.preview.changed.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self.threads:
            thread.join(timeout=5)


def start(preview: Preview, port: int = 8000, watch_files: bool = True) -> Server:
    """Listen on 127.0.0.1:``port`` (0 = any free port), build once, then serve
    and watch in background threads."""
    stop = threading.Event()
    httpd = ThreadingHTTPServer(("127.0.0.1", port), make_handler(preview, stop))  # a busy port fails first
    preview.rebuild()
    httpd.daemon_threads = True
    threads = [threading.Thread(target=httpd.serve_forever, name="reportgen-http", daemon=True)]
    ready = threading.Event()
    if watch_files:
        threads.append(threading.Thread(target=watch, args=(preview, stop, ready), name="reportgen-watch",
                                        daemon=True))
    for thread in threads:
        thread.start()
    if watch_files:
        ready.wait(10)  # an edit made right after start() must not be missed
    return Server(preview, httpd, stop, threads)
