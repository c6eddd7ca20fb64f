"""The link check beside the lint pass: the link engine in a forked child process.

An online run has two kinds of CPU work that do not depend on each other until the
end: the link engine's event loop (HTTP parsing, scheduling; about 0.8 ms of CPU per
request) and the rules that do not read link results (most of the lint pass). Run
one after the other they share one core; here the engine runs in a child process
forked once the URLs are known, so it takes another core while this process lints,
and its results come back (pickled, through a pipe) before the rules that report on
them (``broken-link``, ``redirected-link``) run.

The engine stays what it is (:mod:`playbook_lint.links.engine` knows nothing of this
module); the child runs :func:`playbook_lint.links.stage.run_engine` exactly as the
in-process path does, link cache and progress bar included. When the child cannot
be started (no ``fork`` on this platform) the caller runs the engine in-process;
when it fails or dies, :meth:`BackgroundCheck.wait` runs the engine in-process, so a
broken child costs time, never a result.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

__all__ = ["MIN_URLS", "BackgroundCheck", "BesideFeed", "Standby", "network_urls"]

#: Fewest URLs that must go to the network (not answered by the link cache) before
#: the engine gets its own process: below it the fork and the second pass over the
#: pages cost more than the overlap saves. Tests lower it.
MIN_URLS = 64


def network_urls(urls: Sequence[str], config: Any, cache: Any) -> int:
    """How many unique normalised URLs of ``urls`` the link cache ``cache`` (a
    :class:`~playbook_lint.links.cache.LinkCache`, or None when caching is off) does
    not answer: what the engine will request. Excluded URLs count as answered."""
    from playbook_lint.links.normalize import normalize_url

    seen: set[str] = set()
    for url in urls:
        key = normalize_url(url)
        if key in seen or config.excluded_by(url) is not None:
            continue
        if cache is None or cache.get(key) is None:
            seen.add(key)
    return len(seen)


class BesideFeed:
    """The URLs of the pages as they are read, and the check beside the lint pass
    started on them as soon as it is worth it.

    :meth:`add` takes each page's URLs; once ``MIN_URLS`` unique URLs need the network
    (as :func:`network_urls` counts them: not excluded, not answered by ``cache``) the
    child is forked and given every URL so far, then each new one as it comes, so the
    requests start while the later pages are parsed. :meth:`finish` returns the
    check (started then if it was not yet and the URLs warrant it), or None: the
    same decision :func:`network_urls` makes over the whole list.

    Args:
        config: the ``EngineConfig``.
        cache: the loaded :class:`~playbook_lint.links.cache.LinkCache`, or None.
        progress: the child shows the progress bar.
        standby: a :class:`Standby` child forked at the run's start (its imports done
            meanwhile) to use instead of forking one; the caller dismisses it when the
            feed did not use it.
    """

    def __init__(self, config: Any, cache: Any, *, progress: bool,
                 standby: Standby | None = None) -> None:
        self._config = config
        self._cache = cache
        self._progress = progress
        self._standby = standby
        self._seen: dict[str, None] = {}  # spellings, first-seen order
        self._keys: set[str] = set()  # normalised URLs that need the network
        self._check: BackgroundCheck | None = None
        self._cannot = False  # the fork failed: check in this process

    @property
    def started(self) -> bool:
        """True once the child check was forked (some URL needs the network)."""
        return self._check is not None

    @property
    def cache(self) -> Any:
        """The loaded link cache the feed was given (or None)."""
        return self._cache

    def add(self, urls: Sequence[str]) -> None:
        """Take one page's external URLs as written (repeats are ignored)."""
        from playbook_lint.links.normalize import normalize_url

        new = [url for url in dict.fromkeys(urls) if url not in self._seen]
        if not new:
            return
        for url in new:
            self._seen[url] = None
            key = normalize_url(url)
            if key in self._keys or self._config.excluded_by(url) is not None:
                continue
            if self._cache is None or self._cache.get(key) is None:
                self._keys.add(key)
        if self._check is not None:
            self._check.feed(new)
        elif not self._cannot and len(self._keys) >= MIN_URLS:
            self._start()

    def _start(self) -> None:
        standby, self._standby = self._standby, None
        self._check = standby.begin(self._config) if standby is not None else None
        if self._check is None:
            self._check = BackgroundCheck.start_stream(self._config, progress=self._progress)
        if self._check is None:
            self._cannot = True
        else:
            self._check.feed(list(self._seen))

    def cancel(self) -> None:
        """Stop the check if one was started (reading the pages failed)."""
        if self._check is not None:
            self._check.cancel()

    def finish(self, urls: list[str]) -> BackgroundCheck | None:
        """After the last page: ``urls`` is every URL of the run (first-seen order, as
        fed); the running check with its feed closed, or None to check here."""
        missing = [url for url in urls if url not in self._seen]
        if missing:  # not fed page by page (e.g. every page from the result cache)
            self.add(missing)
        if self._check is None and not self._cannot and len(self._keys) >= MIN_URLS:
            self._start()
        if self._check is not None:
            self._check.close_feed()
        return self._check


def _child_report(url_fd: int, config: Any, progress: bool, out_fd: int) -> None:
    """In the child: check the URL batches read from ``url_fd`` (one JSON list a line,
    until the parent closes it) as they arrive, and write two frames to ``out_fd``
    (:func:`_write_frame`): the pickled ``EngineRun`` as soon as every result is in,
    before the link cache is written (the parent lints meanwhile), then the pickled
    list of warnings the cache's save added (:meth:`BackgroundCheck.late_warnings`).
    With the link cache on, each result's ``rules_digest`` is computed beside it."""
    from playbook_lint.links.stage import run_engine_stream

    sent: list[int] = []  # how many warnings the report held when it was sent

    def send(report: Any) -> None:
        _write_frame(out_fd, pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL))
        sent.append(len(report.warnings))

    # with the link cache on, the parent's result cache asks every result's digest once
    # the report is in: computed here as the results come in, it travels in the pickle
    report = run_engine_stream(lambda: _batches(url_fd), config, progress=progress,
                               before_save=send, digests=bool(config.use_cache))
    if not sent:  # the engine calls before_save once the report is whole; in case not
        send(report)
    _write_frame(out_fd, pickle.dumps(report.warnings[sent[0]:],
                                      protocol=pickle.HIGHEST_PROTOCOL))


def _write_frame(fd: int, body: bytes) -> None:
    """Write ``body`` to the pipe ``fd`` after its length (8 bytes, big-endian)."""
    _write_all(fd, len(body).to_bytes(8, "big") + body)


async def _batches(fd: int) -> AsyncIterator[list[str]]:
    """The URL batches the parent writes to the pipe ``fd``, read in the event loop."""
    import asyncio
    import json

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 26)
    transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(fd, "rb", buffering=0))
    try:
        while True:
            line = await reader.readline()
            if not line:
                return
            batch = json.loads(line)
            if not isinstance(batch, list):
                raise ValueError("not a batch of URLs")
            yield batch
    finally:
        transport.close()


def _grow_pipe(fd: int) -> None:
    """Ask for a 1 MiB pipe buffer (Linux; the default 64 KiB holds about 1,400 URLs),
    so that the parent seldom waits for the child to read; ignored where refused."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass


def _fork_child(get_config: Callable[[int], Any], progress: bool, *,
                stay_frozen: bool = False) -> tuple[int, int, int] | None:
    """Fork the engine child: ``(pid, report read fd, URL write fd)``, or None when
    this platform cannot fork. The child calls ``get_config(url_read_fd)`` for the
    ``EngineConfig`` (None: leave at once, nothing checked), checks the URL batches
    read from that fd, writes its pickled ``EngineRun`` and exits (``os._exit``).

    Every object the garbage collector tracks is frozen (``gc.freeze``) for the fork;
    this process unfreezes them after it, unless ``stay_frozen``: a fork at the run's
    start (:class:`Standby`), when they are the imported modules, their functions and
    classes and the config, which live as long as the process anyway. Frozen, the
    full collections that the lint pass's allocations start no longer walk them: on
    the bench's 40 pages one such collection was 40-120 ms of the parent's CPU (and
    whether it came at all hung on a few allocations more or less). Cyclic garbage
    among those objects is then never freed; objects made later are collected as
    always."""
    if not hasattr(os, "fork"):
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    read_fd, write_fd = os.pipe()
    url_read, url_write = os.pipe()
    _grow_pipe(url_write)
    # the child's garbage collector must not walk (and so copy, page by page) the
    # parent's objects: frozen, they are out of its reach in both processes
    gc.freeze()
    try:
        pid = os.fork()
    except OSError:
        gc.unfreeze()
        for fd in (read_fd, write_fd, url_read, url_write):
            os.close(fd)
        return None
    if pid != 0 and not stay_frozen:
        gc.unfreeze()
    if pid == 0:  # the child: check, write the pickled report, leave at once
        code = 1
        try:
            os.close(read_fd)
            os.close(url_write)
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it quietly
            config = get_config(url_read)
            if config is None:  # dismissed: nothing to check
                code = 0
            else:
                _child_report(url_read, config, progress, write_fd)
                code = 0
        except BaseException:  # noqa: BLE001 - the parent runs the check itself
            code = 1
        finally:
            try:
                sys.stderr.flush()
            finally:
                os._exit(code)  # no atexit handlers, no flush of the parent's buffers
    os.close(write_fd)
    os.close(url_read)
    return pid, read_fd, url_write


def _write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to the pipe ``fd`` (blocking; ``os.write`` may take part).

    Raises:
        OSError: the other end is closed (``BrokenPipeError``) or ``fd`` is bad.
    """
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _unpickled(body: bytes) -> Any:
    """``pickle.loads(body)`` (our own child's bytes) with the garbage collector off
    meanwhile: a 2,000-URL report is ~20,000 new objects (results, their dicts,
    tuples, strings), enough to start collections that walk this process's whole heap
    (the parsed pages): 15-23 ms for an unpickling that alone is 3 ms. Nothing it
    makes is a cycle, so nothing is left for the collector to find later."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(body)  # noqa: S301 - our own child's bytes
    finally:
        if enabled:
            gc.enable()


def _read_exactly(fd: int, size: int) -> bytes | None:
    """``size`` bytes from ``fd`` (blocking), or None at end of file before them."""
    chunks: list[bytes] = []
    while size:
        chunk = os.read(fd, size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _standby_config(url_read: int) -> Any:
    """In a standby child: import the engine while the parent builds its rules, then
    wait for the ``EngineConfig`` (an 8-byte length, then its pickle) on ``url_read``;
    None when the parent closes the pipe first (dismissed)."""
    import playbook_lint.links.engine  # noqa: F401 - httpx, httpcore, h11: the point
    import playbook_lint.links.stage  # noqa: F401

    head = _read_exactly(url_read, 8)
    if head is None:
        return None
    body = _read_exactly(url_read, int.from_bytes(head, "big"))
    if body is None:
        return None
    return pickle.loads(body)  # noqa: S301 - our own parent's bytes


class Standby:
    """An engine child forked at the start of an online run, before its URLs or even
    its settings are known: it imports the engine (httpx and the rest, 0.1-0.25 s of
    CPU) on the other core while this process reads the config, builds the rules and
    parses the first pages, then waits. :meth:`begin` hands it the ``EngineConfig``
    and returns the :class:`BackgroundCheck` to feed; :meth:`dismiss` ends it unused.

    Use :meth:`fork`; None when this platform cannot fork.
    """

    def __init__(self, pid: int, fd: int, feed_fd: int, progress: bool) -> None:
        self.pid = pid
        self._fd = fd
        self._feed_fd: int | None = feed_fd
        self._progress = progress

    @classmethod
    def fork(cls, *, progress: bool) -> Standby | None:
        """Fork the standby child (``progress``: it shows the progress bar once begun)."""
        forked = _fork_child(_standby_config, progress, stay_frozen=True)
        if forked is None:
            return None
        return cls(*forked, progress)

    @property
    def waiting(self) -> bool:
        """True until :meth:`begin` or :meth:`dismiss`."""
        return self._feed_fd is not None

    def begin(self, config: Any) -> BackgroundCheck | None:
        """Send ``config`` (an ``EngineConfig``); the check to feed, or None when the
        child cannot take it (gone, or the config does not pickle: it is dismissed)."""
        fd = self._feed_fd
        if fd is None:
            return None
        try:
            body = pickle.dumps(config, protocol=pickle.HIGHEST_PROTOCOL)
            _write_all(fd, len(body).to_bytes(8, "big") + body)
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            self.dismiss()
            return None
        self._feed_fd = None
        return BackgroundCheck(self.pid, self._fd, fd, config, self._progress)

    def dismiss(self) -> None:
        """End the child unused and reap it (idempotent; nothing after :meth:`begin`)."""
        fd, self._feed_fd = self._feed_fd, None
        if fd is None:
            return
        for end in (fd, self._fd):
            try:
                os.close(end)
            except OSError:
                pass
        # it may be mid-import: do not wait for it to read the end of the pipe
        _end_child(self.pid, signal.SIGKILL)


def _end_child(pid: int, sig: int) -> None:
    """Send signal ``sig`` to the child process ``pid`` and reap it (wait for its exit);
    a child that has already ended or been reaped is no error."""
    try:
        os.kill(pid, sig)
    except OSError:
        pass
    try:
        os.waitpid(pid, 0)
    except OSError:
        pass


class BackgroundCheck:
    """A link check running in a forked child process.

    Use :meth:`start` (every URL known), or :meth:`start_stream`, then :meth:`feed`
    with batches of URLs as they are found and :meth:`close_feed` after the last;
    then :meth:`wait` for the :class:`~playbook_lint.links.result.EngineRun` (or
    :meth:`cancel` when the run fails before it needs the results).
    """

    def __init__(self, pid: int, fd: int, feed_fd: int | None, config: Any,
                 progress: bool) -> None:
        self.pid = pid
        self._fd = fd
        self._feed_fd = feed_fd
        self._urls: list[str] = []
        self._config = config
        self._progress = progress
        #: how the child ended: "ok", or why its results were not used (for tests)
        self.outcome = "running"
        self._pipe: Any = None  # the report pipe, opened by the first read
        self._late = False  # wait(early=True) returned: late_warnings() reaps the child

    @classmethod
    def start(cls, urls: list[str], config: Any, *, progress: bool) -> BackgroundCheck | None:
        """Fork a child that checks ``urls`` with ``config`` (an ``EngineConfig``) and
        writes its ``EngineRun`` back; None when this platform cannot fork."""
        check = cls.start_stream(config, progress=progress)
        if check is not None:
            check.feed(urls)
            check.close_feed()
        return check

    @classmethod
    def start_stream(cls, config: Any, *, progress: bool) -> BackgroundCheck | None:
        """Fork a child that checks the URLs :meth:`feed` gives it, each as soon as it
        arrives, until :meth:`close_feed`; None when this platform cannot fork."""
        forked = _fork_child(lambda url_read: config, progress)
        if forked is None:
            return None
        pid, read_fd, url_write = forked
        return cls(pid, read_fd, url_write, config, progress)

    def feed(self, urls: list[str]) -> None:
        """Give the child more URLs (as written) to check. A child that stopped reading
        is noticed by :meth:`wait`, which then checks every fed URL here."""
        self._urls.extend(urls)
        if self._feed_fd is None or not urls:
            return
        import json

        try:
            _write_all(self._feed_fd, (json.dumps(urls) + "\n").encode("utf-8"))
        except OSError:  # the child is gone: wait() runs the check here
            self.close_feed()

    def close_feed(self) -> None:
        """No more URLs: the child finishes what it has and writes its report."""
        fd, self._feed_fd = self._feed_fd, None
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass

    def _frame(self) -> Any:
        """The next pickled frame the child wrote (:func:`_write_frame`), unpickled;
        None at the end of the pipe, on a short frame or one that does not unpickle."""
        try:
            if self._pipe is None:
                self._pipe = os.fdopen(self._fd, "rb", closefd=True)
            head = self._pipe.read(8)
            if len(head) < 8:
                return None
            size = int.from_bytes(head, "big")
            body = self._pipe.read(size)
            if len(body) < size:
                return None
            return _unpickled(body)
        except Exception:  # noqa: BLE001 - a broken child: the caller decides
            return None

    def _reap(self) -> int:
        """Close the report pipe and wait for the child: its exit code."""
        try:
            if self._pipe is not None:
                self._pipe.close()
            else:
                os.close(self._fd)
        except OSError:
            pass
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)

    def wait(self, *, early: bool = False) -> Any:
        """The child's ``EngineRun`` for every URL fed (the feed is closed first). When
        the child failed (no report, or one that does not unpickle), the engine is run
        here instead. With ``early`` the report is returned as soon as the child sends
        it, while it writes the link cache: :meth:`late_warnings` must follow (it
        adds the cache's warnings and reaps the child)."""
        self.close_feed()
        report = self._frame()
        if report is not None:
            self.outcome = "ok"
            if early:
                self._late = True
                return report
            report.warnings.extend(self._late_frame())
            return report
        self.outcome = f"child failed (status {self._reap()})"
        from playbook_lint.links.stage import run_engine

        return run_engine(self._urls, self._config, progress=self._progress)

    def _late_frame(self) -> list[str]:
        late = self._frame()
        self._reap()
        return [str(w) for w in late] if isinstance(late, list) else []

    def late_warnings(self) -> list[str]:
        """After ``wait(early=True)``: the warnings the child's link cache save gave
        (a cache folder that cannot be written), once the child has ended (reaped);
        an empty list when the child died meanwhile or :meth:`wait` was not early."""
        if not self._late:
            return []
        self._late = False
        return self._late_frame()

    def cancel(self) -> None:
        """Stop the child and reap it (the run failed before it needed the results, or
        between ``wait(early=True)`` and :meth:`late_warnings`)."""
        if self._late:  # it is writing the link cache: let it finish (atomic anyway)
            self.late_warnings()
            return
        if self.outcome != "running":
            return
        self.outcome = "cancelled"
        self.close_feed()
        try:
            os.close(self._fd)
        except OSError:
            pass
        _end_child(self.pid, signal.SIGTERM)
