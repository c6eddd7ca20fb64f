"""LinkCache: fresh/stale by outcome, atomic writes, corrupt files discarded."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pytest

from playbook_lint.links.cache import CACHE_VERSION, CacheWarning, LinkCache, default_cache_path
from playbook_lint.links.result import LinkResult

NOW = 1_800_000_000.0


def _ok(url: str = "https://a.example/", at: float = NOW) -> LinkResult:
    return LinkResult(url, "ok", 200, "HTTP 200 OK", url, checked_at=at)


def _cache(path: Path, now: float = NOW, **kw: object) -> LinkCache:
    return LinkCache(path, max_age_ok=100.0, max_age_fail=10.0, now=lambda: now, **kw)  # type: ignore[arg-type]


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "links.json"
    result = LinkResult(
        "http://b.example/", "ok", 200, "HTTP 200 OK", "https://b.example/new",
        redirects=((301, "https://b.example/"), (308, "https://b.example/new")),
        permanent_redirect=True, https_upgrade=True, fragments=frozenset({"top", "end"}),
        checked_at=NOW,
    )
    writer = _cache(path)
    assert writer.load() == []
    writer.put(result)
    assert writer.save() == []
    reader = _cache(path)
    assert reader.load() == []
    assert reader.get("http://b.example/") == LinkResult(
        "http://b.example/", "ok", 200, "HTTP 200 OK", "https://b.example/new",
        redirects=((301, "https://b.example/"), (308, "https://b.example/new")),
        permanent_redirect=True, https_upgrade=True, fragments=frozenset({"top", "end"}),
        checked_at=NOW, from_cache=True,
    )
    assert json.loads(path.read_text())["version"] == CACHE_VERSION


def test_max_age_depends_on_outcome(tmp_path: Path) -> None:
    path = tmp_path / "links.json"
    writer = _cache(path)
    writer.put(_ok("https://ok.example/"))
    writer.put(LinkResult("https://gone.example/", "broken", 404, "HTTP 404 Not Found",
                          checked_at=NOW))
    writer.save()
    at_50 = _cache(path, now=NOW + 50)
    at_50.load()
    assert at_50.get("https://ok.example/") is not None
    assert at_50.get("https://gone.example/") is None  # failures live 10 s here
    at_5 = _cache(path, now=NOW + 5)
    at_5.load()
    assert at_5.get("https://gone.example/") is not None
    at_101 = _cache(path, now=NOW + 101)
    at_101.load()
    assert at_101.get("https://ok.example/") is None


def test_skipped_results_are_not_stored(tmp_path: Path) -> None:
    cache = _cache(tmp_path / "links.json")
    cache.put(LinkResult("mailto:a@b", "skipped", checked_at=NOW))
    assert cache.save() == []
    assert not (tmp_path / "links.json").exists()


def test_other_settings_fingerprint_is_a_miss(tmp_path: Path) -> None:
    path = tmp_path / "links.json"
    writer = _cache(path, fingerprint="[[200, 299]]")
    writer.put(_ok())
    writer.save()
    same = _cache(path, fingerprint="[[200, 299]]")
    same.load()
    other = _cache(path, fingerprint="[[200, 299], [403, 403]]")
    other.load()
    assert same.get("https://a.example/") is not None
    assert other.get("https://a.example/") is None


@pytest.mark.parametrize(
    "content", ["{not json", "[1, 2]", '{"version": 1, "entries": 3}', "\udcff"]
)
def test_corrupt_file_is_discarded_with_a_warning(tmp_path: Path, content: str) -> None:
    path = tmp_path / "links.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    cache = _cache(path)
    with pytest.warns(CacheWarning) as caught:
        messages = cache.load()
    assert len(messages) == 1
    assert messages[0].startswith(f"link cache {path} ")
    assert str(caught[0].message) == messages[0]
    assert cache.get("https://a.example/") is None
    cache.put(_ok())
    assert cache.save() == []  # the corrupt file is replaced by a good one
    fresh = _cache(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fresh.load() == []
    assert fresh.get("https://a.example/") is not None


def test_malformed_entry_is_a_miss_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "links.json"
    path.write_text(json.dumps({"version": CACHE_VERSION, "entries": {
        "https://a.example/": {"status": "ok", "checked_at": "yesterday"},
        "https://b.example/": "nonsense",
        "https://c.example/": {"status": "fine", "checked_at": NOW},
    }}))
    cache = _cache(path)
    assert cache.load() == []
    assert cache.get("https://a.example/") is None
    assert cache.get("https://b.example/") is None
    assert cache.get("https://c.example/") is None  # not a LinkStatus value


def test_save_merges_entries_written_by_another_run(tmp_path: Path) -> None:
    path = tmp_path / "links.json"
    first, second = _cache(path), _cache(path)
    first.load()
    second.load()
    first.put(_ok("https://one.example/"))
    first.save()
    second.put(_ok("https://two.example/"))
    second.save()
    reader = _cache(path)
    reader.load()
    assert reader.get("https://one.example/") is not None
    assert reader.get("https://two.example/") is not None


def test_write_is_atomic_and_leaves_no_temp_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "links.json"
    good = _cache(path)
    good.put(_ok("https://one.example/"))
    good.save()
    before = path.read_bytes()

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    failing = _cache(path)
    failing.put(_ok("https://two.example/"))
    with pytest.warns(CacheWarning, match="could not be written"):
        messages = failing.save()
    assert messages == [f"link cache {path} could not be written (disk full)"]
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["links.json"]


def test_default_path_is_in_the_user_cache_dir() -> None:
    path = default_cache_path()
    assert path.name == "links.json"
    assert "playbook-lint" in path.parts
