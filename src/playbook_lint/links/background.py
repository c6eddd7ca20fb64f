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
from collections.abc import Sequence
from typing import Any

__all__ = ["MIN_URLS", "BackgroundCheck", "network_urls"]

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


def _child_report(urls: list[str], config: Any, progress: bool) -> bytes:
    """In the child: run the engine and pickle its ``EngineRun``."""
    from playbook_lint.links.stage import run_engine

    return pickle.dumps(run_engine(urls, config, progress=progress),
                        protocol=pickle.HIGHEST_PROTOCOL)


class BackgroundCheck:
    """A link check running in a forked child process.

    Use :meth:`start`, then :meth:`wait` for the :class:`~playbook_lint.links.result.EngineRun`
    (or :meth:`cancel` when the run fails before it needs the results).
    """

    def __init__(self, pid: int, fd: int, urls: list[str], config: Any, progress: bool) -> None:
        self.pid = pid
        self._fd = fd
        self._urls = urls
        self._config = config
        self._progress = progress
        #: how the child ended: "ok", or why its results were not used (for tests)
        self.outcome = "running"

    @classmethod
    def start(cls, urls: list[str], config: Any, *, progress: bool) -> BackgroundCheck | None:
        """Fork a child that checks ``urls`` with ``config`` (an ``EngineConfig``) and
        writes its ``EngineRun`` back; None when this platform cannot fork."""
        if not hasattr(os, "fork"):
            return None
        sys.stdout.flush()
        sys.stderr.flush()
        read_fd, write_fd = os.pipe()
        # the child's garbage collector must not walk (and so copy, page by page) the
        # parent's objects: frozen, they are out of its reach in both processes
        gc.freeze()
        try:
            pid = os.fork()
        except OSError:
            gc.unfreeze()
            os.close(read_fd)
            os.close(write_fd)
            return None
        if pid != 0:
            gc.unfreeze()
        if pid == 0:  # the child: check, write the pickled report, leave at once
            code = 1
            try:
                os.close(read_fd)
                signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it quietly
                data = _child_report(urls, config, progress)
                view = memoryview(data)
                while view:
                    view = view[os.write(write_fd, view):]
                code = 0
            except BaseException:  # noqa: BLE001 - the parent runs the check itself
                code = 1
            finally:
                try:
                    sys.stderr.flush()
                finally:
                    os._exit(code)  # no atexit handlers, no flush of the parent's buffers
        os.close(write_fd)
        return cls(pid, read_fd, urls, config, progress)

    def _read(self) -> bytes:
        chunks = []
        with os.fdopen(self._fd, "rb", closefd=True) as pipe:
            while True:
                chunk = pipe.read(1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        return b"".join(chunks)

    def wait(self) -> Any:
        """The child's ``EngineRun``. When the child failed (exit status not 0, or a
        report that does not unpickle), the engine is run here instead."""
        data = b""
        try:
            data = self._read()
        except OSError:
            data = b""
        _, status = os.waitpid(self.pid, 0)
        if os.waitstatus_to_exitcode(status) == 0 and data:
            try:
                report = pickle.loads(data)  # noqa: S301 - our own child's bytes
                self.outcome = "ok"
                return report
            except Exception:  # noqa: BLE001 - run it here instead
                pass
        self.outcome = f"child failed (status {os.waitstatus_to_exitcode(status)})"
        from playbook_lint.links.stage import run_engine

        return run_engine(self._urls, self._config, progress=self._progress)

    def cancel(self) -> None:
        """Stop the child and reap it (the run failed before it needed the results)."""
        if self.outcome != "running":
            return
        self.outcome = "cancelled"
        try:
            os.kill(self.pid, signal.SIGTERM)
        except OSError:
            pass
        try:
            os.close(self._fd)
        except OSError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except OSError:
            pass
