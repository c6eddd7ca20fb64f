"""The pipeline's link-check stage: collect the external URLs of the linted documents,
build the engine's settings from config and CLI, run the engine with progress, and
summarise the run in one line.

The engine (:mod:`playbook_lint.links.engine`) knows nothing of documents; the
rules know nothing of HTTP. This module is the one place they meet.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import time
from collections import Counter
from collections.abc import AsyncIterable, Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playbook_lint.errors import ConfigError
from playbook_lint.links.normalize import host_of, is_http_url

if TYPE_CHECKING:  # imported where pages are parsed: a warm run takes their URLs cached
    from playbook_lint.document import Document

ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def collect_urls(
    files: Iterable[Path], on_document: Callable[[Path, Document], None] | None = None,
    on_urls: Callable[[list[str]], None] | None = None,
) -> tuple[list[str], int]:
    """Read ``files`` and return ``(external URLs in first-seen order, total link count)``.

    Only absolute ``http(s)`` URLs are returned, each spelling once (with its
    ``#fragment``: the engine checks each normalised URL once, but needs to know
    which fragments were asked for). Unreadable files are passed over here (the
    lint pass reports them). ``on_document(path, doc)`` is called with each parsed
    Document (the pipeline keeps them for the lint pass: one parse per page);
    ``on_urls(urls)`` with each page's external URLs as written, after the page (the
    link check may start on them while the next pages are read).
    """
    from playbook_lint.document import Document

    seen: dict[str, None] = {}
    total = 0
    for path in files:
        try:
            doc = Document.from_path(path)
        except OSError:
            continue
        if on_document is not None:
            on_document(path, doc)
        page = external_urls(doc)
        total += len(page)
        for url in page:
            seen.setdefault(url, None)
        if on_urls is not None and page:
            on_urls(page)
    return list(seen), total


def external_urls(doc: Document) -> list[str]:
    """The absolute ``http(s)`` URLs of ``doc`` as written, in order: its links', then
    its front matter's (:func:`~playbook_lint.links.fmlinks.front_matter_links`);
    repeats kept (each counts as a link)."""
    from playbook_lint.links.fmlinks import front_matter_links

    return [url for url in [link.url for link in doc.links] + [
        fm.url for fm in front_matter_links(doc)] if is_http_url(url)]


def expand_env(value: str, environ: Mapping[str, str] | None = None) -> str:
    """Replace ``${NAME}`` by the environment variable NAME ("" when unset)."""
    env = os.environ if environ is None else environ
    return ENV_REF.sub(lambda m: env.get(m.group(1), ""), value)


def engine_config(table: Mapping[str, Any], overrides: Mapping[str, Any], base: Path) -> Any:
    """Build an :class:`~playbook_lint.links.engine.EngineConfig`.

    Args:
        table: the config's ``links`` table (kebab-case keys, validated already).
        overrides: CLI values (snake_case ``EngineConfig`` field names); None values ignored.
        base: folder a relative ``cache`` path is resolved against.

    Raises:
        ConfigError: a value the engine rejects.
    """
    from playbook_lint.links.engineconfig import EngineConfig

    kwargs: dict[str, Any] = {}
    for key, value in table.items():
        field = key.replace("-", "_")
        if field == "headers":
            kwargs["headers_by_host"] = {
                host: {h: expand_env(str(v)) for h, v in hdrs.items()}
                for host, hdrs in value.items()
            }
        elif field == "cache":
            kwargs["cache_path"] = (base / value).resolve()
        elif field == "per_host":
            kwargs["per_host"] = value
        else:
            kwargs[field] = value
    for key, value in overrides.items():
        if value is None:
            continue
        if key == "exclude":
            kwargs["exclude"] = [*kwargs.get("exclude", []), *value]
        else:
            kwargs[key] = value
    try:
        return EngineConfig(**kwargs)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"links: {exc}") from None


def run_engine(urls: list[str], config: Any, *, progress: bool) -> Any:
    """Check ``urls`` with the engine; a click progress bar on stderr when ``progress``.

    Returns the engine's ``EngineRun``.
    """
    from playbook_lint.links.engine import check_urls_sync

    if not progress or not urls:
        return check_urls_sync(urls, config)
    with _progress_bar(len(urls)) as on_result:
        return check_urls_sync(urls, config, on_result=on_result)


def run_engine_stream(
    batches: Callable[[], AsyncIterable[list[str]]], config: Any, *, progress: bool,
    before_save: Callable[[Any], None] | None = None, digests: bool = False,
) -> Any:
    """:func:`run_engine` for URLs that arrive in batches: ``batches()`` (called inside
    the engine's event loop) yields lists of URLs as written
    (:func:`playbook_lint.links.engine.check_url_stream`); the bar's length grows with
    them. ``before_save``, ``digests``: as for ``check_url_stream``. Returns the
    engine's ``EngineRun``."""
    import asyncio

    from playbook_lint.links.engine import check_url_stream

    if not progress:
        return asyncio.run(check_url_stream(batches(), config, before_save=before_save,
                                            digests=digests))
    with _progress_bar(0) as on_result:
        return asyncio.run(check_url_stream(batches(), config, on_result=on_result,
                                            before_save=before_save, digests=digests))


@contextlib.contextmanager
def _progress_bar(length: int) -> Iterator[Callable[..., None]]:
    """A click progress bar on stderr, and the engine's ``on_result`` that moves it."""
    import click

    with click.progressbar(length=length, label="Checking links", file=sys.stderr,
                           show_pos=True, item_show_func=lambda s: s) as bar:
        done_before = [0]

        def on_result(result: Any, done: int, total: int) -> None:
            bar.length = max(bar.length or 0, total)
            bar.update(done - done_before[0], current_item=host_of(result.url))
            done_before[0] = done

        yield on_result


def summary_line(report: Any, links: int, elapsed: float) -> str:
    """One line: links, unique URLs, each status, redirected count and wall time (seconds)."""
    results = list(report.results.values())
    by = Counter(r.status for r in results)
    redirected = sum(1 for r in results if r.status == "ok" and r.permanent_redirect)
    private = sum(1 for r in results if r.status == "skipped" and "private" in r.reason)
    ok = f"{by.get('ok', 0)} ok" + (f" ({redirected} via permanent redirect)" if redirected else "")
    skipped = f"{by.get('skipped', 0)} skipped" + (
        f" ({private} private or loopback: --allow-private checks them)" if private else "")
    return (
        f"links: {links} ({len(results)} unique URLs): {ok}, {by.get('broken', 0)} broken, "
        f"{by.get('unverified', 0)} unverified, {skipped}; "
        f"{report.stats.cache_hits} from cache; {elapsed:.1f}s"
    )


def timed_check(
    files: list[Path], config: Any, *, progress: bool,
    on_document: Callable[[Path, Document], None] | None = None,
) -> tuple[Any, int, float]:
    """Collect and check the URLs of ``files``: ``(EngineRun, link count, seconds)``.
    ``on_document`` as in :func:`collect_urls`."""
    start = time.monotonic()
    urls, total = collect_urls(files, on_document)
    report = run_engine(urls, config, progress=progress)
    return report, total, time.monotonic() - start
