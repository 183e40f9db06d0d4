"""A local arXiv: API (Atom) and RSS/Atom feeds on 127.0.0.1, for tests and benchmarks.

It serves, from a real ``ThreadingHTTPServer`` in a thread:

- ``/api/query``: searches over a list of :class:`Paper` records (from the shared
  corpus), in the current API format (namespaces on the root, ``opensearch:*``,
  ``arxiv:primary_category``/``arxiv:comment``): ``cat:`` terms OR-ed, a
  ``submittedDate:[YYYYMMDDHHMM TO YYYYMMDDHHMM]`` range, sorted by submission
  date, paged by ``start``/``max_results`` (at most 2000 a page, none past
  ``result_cap``); a query that a recording of ``../shared/fixtures/arxiv/`` has
  (same search_query, id_list and start) gets that recording verbatim, with its status;
- ``/fixture/<file>``: a fixture file verbatim, whatever the query (a
  ``*.recorded.json`` with its recorded status);
- ``/rss/<cats>`` and ``/atom/<cats>``: a fixture feed set in :attr:`ArxivServer.feeds`,
  else an RSS 2.0 feed built from the papers announced on :attr:`ArxivServer.rss_day`.

Faults are scripted with :class:`Fault` (status sequences like 503, 503 then
200; 429 with Retry-After; a hang past the client's timeout; a body dripped
byte by byte or cut by a closed connection; an empty or truncated page, or one cut inside an entry; a page
repeating the previous page's last entry, for one request, N or all of them) and :attr:`ArxivServer.total_extra` (``totalResults`` larger
than what is served). Every request is recorded in :attr:`ArxivServer.requests`.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
import threading
import time
import zlib
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape, quoteattr

from devservers.local_http import LocalHttpServer
from devservers.paths import SHARED
from tracker.records import Paper

FIXTURES = SHARED / "fixtures" / "arxiv"
CORPUS = SHARED / "data" / "arxiv_corpus.jsonl.gz"
PAGE_CAP = 2000
"""Most entries the API serves in one page."""


@dataclass
class Fault:
    """One scripted misbehaviour, used up by the first request it matches."""

    status: int = 200
    """HTTP status to answer with (non-200: a short text body unless ``body`` is given)."""
    headers: dict[str, str] = field(default_factory=dict)
    """Extra response headers (``Retry-After``)."""
    body: bytes | None = None
    """Body to send instead of the normal one."""
    hang: float = 0.0
    """Seconds to wait before answering (past the client's timeout, the client gives up)."""
    empty: bool = False
    """Answer with the page's header (real totalResults) but no entries."""
    truncate: int | None = None
    """Cut the normal body to this many bytes."""
    cut_in_entry: int | None = None
    """Cut the body inside its ``<entry>``/``<item>`` number ``cut_in_entry`` (0-based): right after the
    entry's ``</published>`` when it has one (an API entry then keeps its dates but loses its comment,
    primary category and authors), else halfway through it."""
    repeat_last: bool = False
    """An API page after the first starts with the previous page's last entry and has its normal length,
    so the entry that should end it is never served (arXiv's unstable paging)."""
    drip: float = 0.0
    """Send the body one byte every ``drip`` seconds (a server too slow for the client's timeout)."""
    close_after: int | None = None
    """Send only this many bytes of the body, then close the connection (Content-Length promised all of it)."""
    times: int | None = 1
    """Matching requests the fault answers before it is used up; None: every one."""
    path: str = "/api/query"
    """Path prefix the fault applies to."""
    start: int | None = None
    """Only for the API page at this ``start``."""


@dataclass(frozen=True)
class RecordedRequest:
    """A request the server received."""

    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    at: float

    @property
    def start(self) -> int:
        return int(self.params.get("start", "0"))


def _stamp(paper: Paper, day: str) -> str:
    """A deterministic time of day for a paper (its records only keep the date)."""
    seconds = zlib.crc32(paper.arxiv_id.encode()) % 86400
    return f"{day}T{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}Z"


def _published(paper: Paper) -> str:
    """The v1 day: the record's, else its listing day, else the first of the month its new-style id names
    (a few corpus records carry no date; the real API always has one)."""
    if paper.published or paper.announced:
        return paper.published or paper.announced
    yymm = paper.arxiv_id.split(".")[0]
    return f"20{yymm[:2]}-{yymm[2:4]}-01"


def submitted_at(paper: Paper) -> datetime:
    """The submission time the server gives ``paper``."""
    return datetime.fromisoformat(_stamp(paper, _published(paper)).replace("Z", "+00:00"))


def atom_entry(paper: Paper) -> str:
    """One API ``<entry>`` in the current format (as in ``api_id_1605.08386_*.xml``)."""
    abs_url = f"https://arxiv.org/abs/{paper.arxiv_id}v{paper.version}"
    lines = [
        "  <entry>",
        f"    <id>http://arxiv.org/abs/{paper.arxiv_id}v{paper.version}</id>",
        f"    <title>{escape(paper.title)}</title>",
        f"    <updated>{_stamp(paper, paper.updated or _published(paper))}</updated>",
        f'    <link href="{abs_url}" rel="alternate" type="text/html"/>',
        f'    <link href="https://arxiv.org/pdf/{paper.arxiv_id}v{paper.version}" rel="related" type="application/pdf" title="pdf"/>',
        f"    <summary>{escape(paper.abstract)}</summary>",
    ]
    lines += [f'    <category term={quoteattr(c)} scheme="http://arxiv.org/schemas/atom"/>' for c in paper.categories]
    lines.append(f"    <published>{_stamp(paper, _published(paper))}</published>")
    if paper.comment:
        lines.append(f"    <arxiv:comment>{escape(paper.comment)}</arxiv:comment>")
    if paper.journal_ref:
        lines.append(f"    <arxiv:journal_ref>{escape(paper.journal_ref)}</arxiv:journal_ref>")
    if paper.doi:
        lines.append(f"    <arxiv:doi>{escape(paper.doi)}</arxiv:doi>")
    lines.append(f"    <arxiv:primary_category term={quoteattr(paper.primary_category)}/>")
    for author in paper.authors:
        lines += ["    <author>", f"      <name>{escape(author)}</name>", "    </author>"]
    lines.append("  </entry>")
    return "\n".join(lines)


def atom_page(papers: list[Paper], *, query: str, start: int, max_results: int, total: int) -> bytes:
    """A whole API response page: the recordings' root, header and ``opensearch`` elements, then the entries."""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    feed_id = f"https://arxiv.org/api/{zlib.crc32(f'{query}|{start}'.encode()):08x}"
    title = f"arXiv Query: search_query={query}&id_list=&start={start}&max_results={max_results}"
    head = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" '
        'xmlns="http://www.w3.org/2005/Atom">',
        f"  <id>{feed_id}</id>",
        f"  <title>{escape(title)}</title>",
        f"  <updated>{now}</updated>",
        f'  <link href={quoteattr("https://arxiv.org/api/query?" + title.split(": ", 1)[1])} type="application/atom+xml"/>',
        f"  <opensearch:itemsPerPage>{max_results}</opensearch:itemsPerPage>",
        f"  <opensearch:totalResults>{total}</opensearch:totalResults>",
        f"  <opensearch:startIndex>{start}</opensearch:startIndex>",
    ]
    return ("\n".join(head + [atom_entry(p) for p in papers] + ["</feed>"]) + "\n").encode()


def rss_feed(items: list[tuple[Paper, str]], day: date, categories: list[str]) -> bytes:
    """An RSS 2.0 feed in rss.arxiv.org's format (as ``rss2_*.xml``) of ``(paper, announce_type)`` items."""
    cats = ", ".join(categories)
    link = f"http://rss.arxiv.org/rss/{'+'.join(categories)}"
    pub = format_datetime(datetime(day.year, day.month, day.day, tzinfo=timezone(timedelta(hours=-4))))
    out = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        '<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" version="2.0">',
        "  <channel>",
        f"    <title>{escape(cats)} updates on arXiv.org</title>",
        f"    <link>{link}</link>",
        f"    <description>{escape(cats)} updates on the arXiv.org e-print archive.</description>",
        f'    <atom:link href="{link}" rel="self" type="application/rss+xml"/>',
        "    <docs>http://www.rssboard.org/rss-specification</docs>",
        "    <language>en-us</language>",
        f"    <lastBuildDate>{pub}</lastBuildDate>",
        "    <managingEditor>rss-help@arxiv.org</managingEditor>",
        f"    <pubDate>{pub}</pubDate>",
        "    <skipDays>",
        "      <day>Sunday</day>",
        "      <day>Saturday</day>",
        "    </skipDays>",
    ]
    for paper, kind in items:
        out += [
            "    <item>",
            f"      <title>{escape(paper.title)}</title>",
            f"      <link>https://arxiv.org/abs/{paper.arxiv_id}</link>",
            f"      <description>arXiv:{paper.arxiv_id}v{paper.version} Announce Type: {kind} \n"
            f"Abstract: {escape(' '.join(paper.abstract.split()))}</description>",
            f'      <guid isPermaLink="false">oai:arXiv.org:{paper.arxiv_id}v{paper.version}</guid>',
        ]
        out += [f"      <category>{escape(c)}</category>" for c in paper.categories]
        out += [
            f"      <pubDate>{pub}</pubDate>",
            f"      <arxiv:announce_type>{kind}</arxiv:announce_type>",
            "      <dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights>",
        ]
        if paper.doi:
            out.append(f"      <arxiv:DOI>{escape(paper.doi)}</arxiv:DOI>")
        out += [f"      <dc:creator>{escape(', '.join(paper.authors))}</dc:creator>", "    </item>"]
    out += ["  </channel>", "</rss>"]
    return ("\n".join(out) + "\n").encode()


_CAT = re.compile(r"cat:([\w.\-]+)")
_RANGE = re.compile(r"submittedDate:\[(\d{12}) TO (\d{12})\]")


def _recorded(record: dict[str, Any]) -> tuple[int, bytes]:
    """The status and body of a ``*.recorded.json`` fixture."""
    return int(record["status_code"]), record["body"].encode()


def _recordings() -> dict[tuple[str, str, str], tuple[int, bytes]]:
    """The fixture recordings, by their ``(search_query, id_list, start)``."""
    found: dict[tuple[str, str, str], tuple[int, bytes]] = {}
    if not FIXTURES.is_dir():
        return found
    for path in sorted(FIXTURES.glob("api_*.recorded.json")):
        record = json.loads(path.read_text())
        params = parse_qs(urlsplit(record["url"]).query, keep_blank_values=True)
        key = tuple(params.get(name, [""])[0] for name in ("search_query", "id_list", "start"))
        found[key] = _recorded(record)  # type: ignore[index]
    return found


class ArxivServer:
    """The local arXiv; use as a context manager (``with ArxivServer(papers) as server:``)."""

    def __init__(self, papers: list[Paper] | tuple[Paper, ...] = ()) -> None:
        self.papers = list(papers)
        """Records served by searches and generated feeds."""
        self.faults: list[Fault] = []
        """Scripted faults, used up in order by the requests they match."""
        self.requests: list[RecordedRequest] = []
        """Every request received, in order."""
        self.feeds: dict[str, str | bytes] = {}
        """Feed path (``/rss/cs.AI``) → fixture file name or bytes to serve."""
        self.rss_day: date | None = None
        """Listing day of the generated feeds."""
        self.total_extra = 0
        """Added to every search's totalResults (a server promising more than it serves)."""
        self.result_cap = 30000
        """No search result is served at or past this index (the API's cap)."""
        self.recordings = _recordings()
        self._lock = threading.Lock()
        self._http: LocalHttpServer | None = None

    # life cycle

    def start(self) -> ArxivServer:
        self._http = LocalHttpServer(type("Handler", (_Handler,), {"server_state": self}), "arxiv-server")
        return self

    def stop(self) -> None:
        if self._http is not None:
            self._http.stop()
            self._http = None

    def __enter__(self) -> ArxivServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._http is not None, "server not started"
        return self._http.url

    @property
    def api_url(self) -> str:
        """Value for ``arxiv.api_url``."""
        return self.url + "/api/query"

    def fixture_url(self, name: str) -> str:
        """An ``arxiv.api_url`` that answers every query with fixture ``name``."""
        return f"{self.url}/fixture/{name}"

    def add_faults(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def api_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == "/api/query"]

    # answers

    def _take_fault(self, path: str, params: dict[str, str]) -> Fault | None:
        with self._lock:
            for i, fault in enumerate(self.faults):
                if not path.startswith(fault.path):
                    continue
                if fault.start is not None and int(params.get("start", "0")) != fault.start:
                    continue
                if fault.times is None:
                    return fault
                if fault.times > 1:
                    self.faults[i] = replace(fault, times=fault.times - 1)
                    return fault
                return self.faults.pop(i)
        return None

    def search(self, query: str) -> list[Paper]:
        """Papers matching a ``search_query``, sorted by submission time then id."""
        cats = set(_CAT.findall(query))
        window = _RANGE.search(query)
        found = []
        for paper in self.papers:
            if cats and not cats.intersection(paper.categories):
                continue
            if window:
                at = submitted_at(paper).strftime("%Y%m%d%H%M")
                if not (window.group(1) <= at <= window.group(2)):
                    continue
            found.append(paper)
        found.sort(key=lambda p: (submitted_at(p), p.arxiv_id))
        return found

    def api_answer(self, params: dict[str, str], fault: Fault | None) -> tuple[int, bytes]:
        ids = params.get("id_list", "")
        query = params.get("search_query", "")
        start = int(params.get("start", "0"))
        max_results = min(int(params.get("max_results", "10")), PAGE_CAP)
        recorded = self.recordings.get((query, ids, str(start)))
        if recorded is not None and not (fault and fault.empty):
            return recorded
        if ids:
            wanted = ids.split(",")
            by_id = {p.arxiv_id: p for p in self.papers}
            matches = [by_id[i] for i in wanted if i in by_id]
        else:
            matches = self.search(query)
        total = len(matches) + self.total_extra
        page = [] if fault and fault.empty else matches[start : min(start + max_results, self.result_cap)]
        if fault and fault.repeat_last and start > 0 and page:
            page = matches[start - 1 : start - 1 + len(page)]
        return 200, atom_page(page, query=query, start=start, max_results=max_results, total=total)

    def feed_answer(self, path: str) -> tuple[int, bytes]:
        if path in self.feeds:
            feed = self.feeds[path]
            return 200, feed if isinstance(feed, bytes) else (FIXTURES / feed).read_bytes()
        categories = unquote(path.split("/", 2)[2]).replace(" ", "+").split("+")
        day = self.rss_day
        items = []
        if day is not None:
            for paper in self.papers:
                if paper.announced != day.isoformat() or not set(categories).intersection(paper.categories):
                    continue
                items.append((paper, "new" if paper.primary_category in categories else "cross"))
            items.sort(key=lambda item: (item[1] != "new", item[0].arxiv_id))
        return 200, rss_feed(items, day or date.today(), categories)


class _Handler(BaseHTTPRequestHandler):
    server_state: ArxivServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        state = self.server_state
        parts = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        with state._lock:
            state.requests.append(RecordedRequest("GET", parts.path, params, dict(self.headers), time.monotonic()))
        fault = state._take_fault(parts.path, params)
        if fault and fault.hang:
            time.sleep(fault.hang)
        headers = dict(fault.headers) if fault else {}
        if fault and fault.status != 200:
            status, body = fault.status, fault.body if fault.body is not None else b"Service Unavailable\n"
        elif parts.path.startswith("/fixture/"):
            name = parts.path.split("/", 2)[2]
            status, body = 200, (FIXTURES / name).read_bytes()
            if name.endswith(".recorded.json"):
                status, body = _recorded(json.loads(body))
        elif parts.path == "/api/query":
            status, body = state.api_answer(params, fault)
        elif parts.path.startswith(("/rss/", "/atom/")):
            status, body = state.feed_answer(parts.path)
        else:
            status, body = 404, b"not found\n"
        if fault and fault.body is not None and fault.status == 200:
            body = fault.body
        if fault and fault.truncate is not None:
            body = body[: fault.truncate]
        if fault and fault.cut_in_entry is not None:
            body = cut_in_entry(body, fault.cut_in_entry)
        content_type = "application/rss+xml" if parts.path.startswith("/rss/") else "application/atom+xml"
        try:
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if fault and fault.close_after is not None:
                self.wfile.write(body[: fault.close_after])
                self.close_connection = True
            elif fault and fault.drip:
                for i in range(len(body)):
                    self.wfile.write(body[i : i + 1])
                    self.wfile.flush()
                    time.sleep(fault.drip)
            else:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client timed out and left


_ENTRY_OPEN = re.compile(rb"<(entry|item)>")


def cut_in_entry(body: bytes, index: int) -> bytes:
    """``body`` cut inside its entry (or item) number ``index``: after its ``</published>``, else halfway."""
    opening = list(_ENTRY_OPEN.finditer(body))[index]
    end = body.index(b"</" + opening.group(1) + b">", opening.end())
    published = body.find(b"</published>", opening.end(), end)
    return body[: published + len(b"</published>")] if published >= 0 else body[: (opening.start() + end) // 2]


_DATES = re.compile(r'"(?:published|announced)": "(\d{4}-\d{2}-\d{2})')


@functools.lru_cache(maxsize=8)
def corpus_slice(since: date, until: date, path: Path = CORPUS) -> tuple[Paper, ...]:
    """Corpus records whose published or announced day is in ``[since, until]`` (read once, cached)."""
    lo, hi = since.isoformat(), until.isoformat()
    papers = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if any(lo <= d <= hi for d in _DATES.findall(line)):
                papers.append(Paper.from_corpus(json.loads(line)))
    return tuple(papers)


def tracker_config(server: ArxivServer, folder: Path, **arxiv: Any) -> Path:
    """A config.yaml in ``folder`` pointing kd-tracker at ``server`` (no delay, no backoff) and a store in ``folder``.

    ``arxiv`` overrides or adds ``arxiv.*`` keys (``categories=["cs.CL"]``).
    """
    settings: dict[str, Any] = {
        "api_url": server.api_url,
        "rss_url": server.url,
        "delay_seconds": 0,
        "backoff_seconds": 0,
        "max_retries": 3,
        "timeout_seconds": 5,
    }
    settings.update(arxiv)
    lines = ["arxiv:"] + [f"  {key}: {json.dumps(value)}" for key, value in settings.items()]
    lines += ["store:", f"  path: {json.dumps(str(folder / 'kd.db'))}"]
    path = folder / "config.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path
