"""The base of the tests' stand-ins for external services (the BAN, a
contractor's Open311, FranceConnect...): a WSGI application served on the
loopback, so that a test goes through real HTTP without reaching the internet.

A stand-in subclasses :class:`LoopbackStandin` and implements the WSGI
application as ``__call__(environ, start_response)``::

    class HelloStandin(LoopbackStandin):
        def __call__(self, environ, start_response):
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"hello"]

    standin = HelloStandin().start()  # listening on a free port
    requests.get(standin.base_url + "/")  # http://127.0.0.1:<port>/
    standin.stop()

In a test class, start it in ``setUpClass`` and stop it with
``cls.addClassCleanup(cls.standin.stop)``. Each request is answered in a
thread of its own (a stand-in may be slow on purpose while another answers),
so state shared by the application needs its own lock. Nothing is logged per
request.
"""

import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    # stopping does not wait for an answer a test made slow on purpose
    block_on_close = False


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class LoopbackStandin:
    """A WSGI application (``__call__``) served on 127.0.0.1, on a free port
    chosen by the system, from :meth:`start` to :meth:`stop`."""

    def __init__(self):
        self.server = make_server(
            "127.0.0.1",
            0,
            self,
            server_class=_ThreadingWSGIServer,
            handler_class=_QuietHandler,
        )
        self.port = self.server.server_address[1]
        #: ``http://127.0.0.1:<port>``, without trailing slash
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __call__(self, environ, start_response):
        raise NotImplementedError("a stand-in implements its WSGI application")

    def start(self):
        """Serve in a background thread; return the stand-in."""
        self.thread.start()
        return self

    def stop(self):
        """Stop serving and free the port."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
