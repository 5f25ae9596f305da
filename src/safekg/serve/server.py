"""The HTTP server: the standard library's threading server in front of :class:`App`."""

from __future__ import annotations

import signal
import socket
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Final

from safekg import __version__
from safekg.errors import SafeKGError
from safekg.serve.app import App, Response
from safekg.serve.sparql import MAX_BODY_BYTES
from safekg.store import Store

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "SafeKGServer", "make_server", "serve"]

DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8000
#: Seconds a connection may sit idle (or send slowly) before it is closed.
_SOCKET_TIMEOUT_S: Final = 60.0

Log = Callable[[str], None]


class SafeKGServer(ThreadingHTTPServer):
    """A threading HTTP server that answers every request with its :class:`App`."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], app: App, *, log: Log | None = None) -> None:
        self.app = app
        self.log = log
        super().__init__(address, _Handler)

    @property
    def url(self) -> str:
        """The server's address, e.g. ``http://127.0.0.1:8000``."""
        host, port = self.server_address[:2]
        name = host.decode("ascii") if isinstance(host, bytes) else str(host)
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{port}"


class _Server6(SafeKGServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server: SafeKGServer
    server_version = f"safekg/{__version__}"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = _SOCKET_TIMEOUT_S

    def do_GET(self) -> None:
        self._answer("GET")

    def do_HEAD(self) -> None:
        self._answer("HEAD")

    def do_POST(self) -> None:
        self._answer("POST")

    def do_PUT(self) -> None:
        self._answer("PUT")

    def do_DELETE(self) -> None:
        self._answer("DELETE")

    def do_PATCH(self) -> None:
        self._answer("PATCH")

    def _answer(self, method: str) -> None:
        body = b""
        if method in ("POST", "PUT", "PATCH"):
            length_header = self.headers.get("Content-Length")
            if self.headers.get("Transfer-Encoding"):
                self._send(_plain(411, "send a Content-Length, not a chunked body"), method)
                self.close_connection = True
                return
            try:
                length = int(length_header or "0")
            except ValueError:
                length = -1
            if length < 0 or length > MAX_BODY_BYTES:
                self._send(_plain(413, f"the body may be at most {MAX_BODY_BYTES} bytes"), method)
                self.close_connection = True
                return
            body = self.rfile.read(length)
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            response = self.server.app.handle(method, self.path, headers, body)
        except Exception as error:  # the boundary: one bad page must not stop the server
            message = str(error) if isinstance(error, SafeKGError) else repr(error)
            print(f"safekg serve: {method} {self.path}: {message}", file=sys.stderr)
            response = _plain(500, "the server could not answer this request")
        self._send(response, method)

    def _send(self, response: Response, method: str) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in {**_SECURITY, **response.headers}.items():
            self.send_header(name, value)
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        if self.server.log is not None:
            self.server.log(f"{self.address_string()} {format % args}")


def _plain(status: int, message: str) -> Response:
    return Response(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")


def make_server(
    store: Store,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    log: Log | None = None,
    timeout_s: float | None = None,
) -> SafeKGServer:
    """A server for ``store`` listening on ``host:port`` (port 0: any free port), not yet
    serving: call ``serve_forever()``, and ``server_close()`` when done."""
    if not 0 <= port <= 65535:
        raise SafeKGError(f"the port must be between 0 and 65535, not {port}")
    app = App(store) if timeout_s is None else App(store, timeout_s=timeout_s)
    cls = _Server6 if ":" in host else SafeKGServer
    try:
        return cls((host, port), app, log=log)
    except OSError as error:
        reason = error.strerror or str(error)
        raise SafeKGError(f"cannot listen on {host}:{port}: {reason}") from None


def serve(
    store: Store,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    on_ready: Callable[[str], None] | None = None,
    log: Log | None = None,
) -> None:
    """Serve ``store`` until interrupted (Ctrl-C or SIGTERM), then stop cleanly."""
    server = make_server(store, host, port, log=log)
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if in_main else None
    try:
        if on_ready is not None:
            on_ready(server.url)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if in_main:
            signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


_SECURITY: Final = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
}
