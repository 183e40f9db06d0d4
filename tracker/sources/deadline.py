"""HTTP requests bounded as a whole: connect, headers and every byte of the body within one timeout.

``requests``' ``timeout`` bounds each socket read, so a server dripping one
byte a second holds a request open for as long as the body lasts.
:func:`request_within` sends the request with ``stream=True`` and a urllib3
``Timeout(total=...)`` (connect and headers within the timeout), then reads the
body while a timer stands by to shut the socket down at the deadline
(urllib3's ``HTTPResponse.shutdown``), which ends a read blocked on a slow
server at once. A request past its deadline raises :class:`DeadlineExceeded`,
a :class:`requests.Timeout`, so callers retry it like any other timeout.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import requests
from urllib3.util import Timeout


class DeadlineExceeded(requests.Timeout):
    """The whole request (connect, headers and body) took longer than its timeout."""


def request_within(
    send: Callable[..., requests.Response], method: str, url: str, *args: Any, timeout: float, **kwargs: Any
) -> requests.Response:
    """Send a request through ``send`` (``session.request``) with ``timeout`` seconds for all of it.

    Returns the response with its body read (``response.content``). Raises
    :class:`requests.Timeout` (:class:`DeadlineExceeded` when the body was too
    slow) or :class:`requests.ConnectionError` (also when the connection broke
    before the whole body arrived); the response is closed then.
    """
    deadline = time.monotonic() + timeout
    kwargs.pop("stream", None)
    response = send(method, url, *args, stream=True, timeout=Timeout(total=timeout), **kwargs)
    read_body(response, deadline, timeout)
    return response


def read_body(response: requests.Response, deadline: float, timeout: float) -> bytes:
    """Read the whole body of a streamed ``response`` by ``deadline`` (a :func:`time.monotonic` time).

    ``timeout`` is only for the error message. Afterwards the body is ``response.content``.
    """
    expired = threading.Event()

    def abandon() -> None:
        expired.set()
        try:
            response.raw.shutdown()
        except (AttributeError, ValueError, RuntimeError, OSError):
            pass  # already read and released, or already closed: no read left to stop

    timer = threading.Timer(max(0.0, deadline - time.monotonic()), abandon)
    timer.daemon = True
    timer.start()
    try:
        content = response.content
    except requests.RequestException as e:
        response.close()
        if expired.is_set():
            raise DeadlineExceeded(f"no whole answer within {timeout:g} s") from e
        if isinstance(e, (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
            raise requests.ConnectionError("the connection broke before the whole answer arrived") from e
        raise
    finally:
        timer.cancel()
    if expired.is_set():  # a body that ends when the connection closes may have been cut short by the timer
        response.close()
        raise DeadlineExceeded(f"no whole answer within {timeout:g} s")
    return content
