"""PyGithub's HTTP seam with a deadline: ``github.timeout_seconds`` bounds a whole request, not each read.

PyGithub sends every request through a "connection class" holding a
``requests`` session (``github.Requester.HTTP(S)RequestsConnectionClass``) and
passes ``timeout`` to it; ``requests``/``urllib3`` apply that timeout to the
connect and to *each* socket read, so an answer dripped a byte at a time never
times out. :func:`install` puts PyGithub's own hook,
``Requester.injectConnectionClasses``, to use with connection classes whose
session bounds every attempt (connect, send, headers and the whole body) by
the timeout:

- each attempt arms a :class:`_Watch` on the connection it uses
  (:class:`_DeadlineAdapter`'s pools make connections that report to it); when
  the time is up the watch shuts the socket, which ends any read in progress;
- an attempt cut short while reading the headers is a read error for urllib3:
  retried for reads by the client's retry policy, raised for writes (which the
  publisher then re-reads, as after any lost answer);
- the body is read here, not later by ``requests``, so that a body cut short is
  retried the same way (reads) or raised (writes);
- what reaches PyGithub is :class:`requests.exceptions.ReadTimeout` naming the bound.

PyGithub then opens a fresh session per request (``injectConnectionClasses``
turns its connection reuse off): one TCP connection per request, nothing kept between them.
"""

from __future__ import annotations

import logging
import socket
import threading
from typing import Any

import requests
from github.Requester import (
    HTTPRequestsConnectionClass,
    HTTPSRequestsConnectionClass,
    Requester,
    RequestsResponse,
)
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import MaxRetryError, ReadTimeoutError
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

_current = threading.local()
"""The :class:`_Watch` of the request this thread is sending (None between requests)."""


class _Watch:
    """One request's deadline: each attempt gets ``seconds``; when they pass, the attempt's socket is shut."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def arm(self, connection: HTTPConnection) -> None:
        """A new attempt starts on ``connection``: its clock starts now."""
        self.disarm()
        timer = threading.Timer(self.seconds, self._expire, args=(connection,))
        timer.daemon = True
        with self._lock:
            self._timer = timer
        timer.start()

    def disarm(self) -> None:
        with self._lock:
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()

    def _expire(self, connection: HTTPConnection) -> None:
        with self._lock:
            if self._timer is None or self._timer is not threading.current_thread():
                return  # disarmed, or a later attempt re-armed it
            self._timer = None
            self.expired = True
        sock = connection.sock
        log.debug("no complete answer from %s within %gs: closing the connection", connection.host, self.seconds)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes the read blocked on it
            except OSError:
                pass


class _WatchedConnection(HTTPConnection):
    """An urllib3 connection that arms the current request's watch when it sends a request."""

    def request(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        watch: _Watch | None = getattr(_current, "watch", None)
        if watch is not None:
            watch.arm(self)
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(_WatchedConnection, HTTPSConnection):
    pass


class _WatchedPool(HTTPConnectionPool):
    ConnectionCls = _WatchedConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _DeadlineAdapter(HTTPAdapter):
    """A requests adapter whose connections report to the current request's :class:`_Watch`."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedPool, "https": _WatchedHTTPSPool}


def send_with_deadline(session: requests.Session, retry: Retry, seconds: float, method: str, url: str,
                       **kwargs: Any) -> requests.Response:
    """``session.request(method, url, ...)`` with each attempt bounded by ``seconds``, body included.

    A body cut short by the deadline or the network is read again when
    ``retry`` allows it for ``method`` (reads), with its backoff; otherwise,
    and when the deadline cut the answer, :class:`requests.exceptions.ReadTimeout`.
    """
    watch = _Watch(seconds)
    _current.watch = watch
    try:
        while True:
            watch.expired = False
            try:
                response = session.request(method, url, stream=True, timeout=(seconds, seconds), **kwargs)
            except requests.RequestException as e:
                if watch.expired:
                    raise _timed_out(method, url, seconds) from e
                raise
            try:
                _ = response.content  # the whole body, under the watch
                return response
            except requests.RequestException as e:
                response.close()
                cut = watch.expired
                try:
                    retry = retry.increment(method, url, error=ReadTimeoutError(None, url, str(e)))  # type: ignore[arg-type]
                except (MaxRetryError, ReadTimeoutError):
                    if cut:
                        raise _timed_out(method, url, seconds) from e
                    raise
                log.info("%s %s: answer cut short (%s); reading it again", method, url,
                         f"no complete answer within {seconds:g}s" if cut else type(e).__name__)
                retry.sleep()
    finally:
        watch.disarm()
        _current.watch = None


def _timed_out(method: str, url: str, seconds: float) -> requests.exceptions.ReadTimeout:
    return requests.exceptions.ReadTimeout(f"{method} {url}: no complete answer within {seconds:g}s")


class _DeadlineMixin:
    """What both of PyGithub's connection classes get: the deadline adapter and :func:`send_with_deadline`."""

    session: requests.Session
    adapter: HTTPAdapter
    retry: Any
    timeout: int | None
    protocol: str
    host: str
    port: int
    verb: str
    url: str
    input: Any
    headers: dict[str, str]
    verify: Any

    def _use_deadline(self) -> None:
        self.adapter = _DeadlineAdapter(max_retries=self.retry, pool_connections=self.adapter._pool_connections,
                                        pool_maxsize=self.adapter._pool_maxsize)
        self.session.mount(f"{self.protocol}://", self.adapter)

    def getresponse(self) -> RequestsResponse:
        retry = self.retry if isinstance(self.retry, Retry) else Retry.from_int(self.retry)
        response = send_with_deadline(
            self.session, retry, float(self.timeout or 10), self.verb.upper(),
            f"{self.protocol}://{self.host}:{self.port}{self.url}",
            headers=self.headers, data=self.input, verify=self.verify, allow_redirects=False,
        )
        return RequestsResponse(response)


class DeadlineHTTPConnection(_DeadlineMixin, HTTPRequestsConnectionClass):
    """PyGithub's HTTP connection class, each request bounded by its ``timeout``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._use_deadline()


class DeadlineHTTPSConnection(_DeadlineMixin, HTTPSRequestsConnectionClass):
    """PyGithub's HTTPS connection class, each request bounded by its ``timeout``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._use_deadline()


def install() -> None:
    """Make PyGithub send every request through the deadline connection classes (idempotent)."""
    Requester.injectConnectionClasses(DeadlineHTTPConnection, DeadlineHTTPSConnection)

