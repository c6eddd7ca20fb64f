"""The site model (issue 4): page URLs, site roots, pages vs furniture, and each
generator's fixture site linted end to end (tests/fixtures/sites, our own words)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from playbook_lint.config import Config, from_table
from playbook_lint.discover import Ignorer, iter_files
from playbook_lint.errors import ConfigError
from playbook_lint.runner import build_rules, lint_files
from playbook_lint.site import Site, build_site, page_urls, site_for, url_key

SITES = Path(__file__).parent / "fixtures" / "sites"


def lint_site(root: Path, rules: str = "broken-link,missing-alt-text,front-matter-invalid",
              config: Config | None = None) -> tuple[int, list[tuple]]:
    """Lint every Markdown file of ``root`` as the CLI does; (files linted, findings)."""
    ruleset = build_rules(config or Config(), select=rules.split(","))
    files = list(iter_files([root], Ignorer()))
    result = lint_files(files, ruleset, today=date(2026, 11, 29), root=root)
    assert result.errors == []
    return result.files, [(f.path, f.line, f.column, f.end_column, str(f.severity), f.message)
                          for f in result.findings]


# -- URLs ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("written", "key"),
    [("/x/", "/x"), ("/x", "/x"), ("/x.html", "/x"), ("/x/index.html", "/x"),
     ("/", "/"), ("/index.html", "/"), ("x/y/", "/x/y"), ("/a%20b/#frag", "/a b"),
     ("/x/?q=1", "/x"), ("//x//y/", "/x/y")],
)
def test_url_key(written: str, key: str) -> None:
    assert url_key(written) == key


def test_page_urls_from_paths_and_front_matter() -> None:
    assert page_urls("guides/launch.md", {}) == (["/guides/launch/"], [])
    assert page_urls("guides/index.md", None) == (["/guides/"], [])
    assert page_urls("content/news/_index.md", {}) == (["/content/news/", "/news/"], [])
    assert page_urls("source/manual/deploy.html.md.erb", {}) == (
        ["/source/manual/deploy/", "/manual/deploy/"], [])
    assert page_urls("_plays/review.md", {}) == (["/_plays/review/", "/plays/review/"], [])
    assert page_urls("_posts/2024-03-01-new-plays.md", {"categories": ["News"]}) == (
        ["/_posts/2024-03-01-new-plays/", "/posts/2024-03-01-new-plays/",
         "/2024/03/01/new-plays/", "/news/2024/03/01/new-plays/"], [])
    assert page_urls("content/news/first-post.md", {"slug": "hello-world"}) == (
        ["/content/news/first-post/", "/content/news/hello-world/", "/news/first-post/",
         "/news/hello-world/"], [])
    assert page_urls("pages/a.md", {"permalink": "/a-b/", "redirect_from": ["/old/", "older"],
                                    "aliases": "/alias/"}) == (
        ["/a-b/", "/pages/a/", "/old/", "/older", "/alias/"], ["/a-b/"])
    # a permalink pattern in front matter is expanded (not a claim); one with a
    # value missing (no date) is left out; a non-page file has no URL
    assert page_urls("a.md", {"permalink": "/:year/:title/", "date": "2020-05-06",
                              "title": "Hello, World"}) == (["/2020/hello-world/", "/a/"], [])
    assert page_urls("a.md", {"permalink": "/:year/:title/"}) == (["/a/"], [])
    assert page_urls("img/map.png", {}) == ([], [])


def test_site_questions_from_memory() -> None:
    root = Path("/s")
    site = Site.from_pages(root, {
        "_plays/plan.md": "---\ntitle: Plan ahead\npermalink: /plays/plan/\n---\nText\n",
        "guides/Launch.md": {"title": "Launch"},
        "_includes/bit.md": "No front matter\n",
        "content/news/x.md": "---\ntitle: X\n---\n{% include note.html %}\n",
        "README.md": "Read me\n",
    }, base_url="https://guide.example.gov/sub", path_prefix="/sub")
    assert site.page_for_url("/plays/plan.html#x") == root / "_plays/plan.md"
    assert site.page_for_url("/sub/plays/plan/") == root / "_plays/plan.md"
    assert site.page_for_url("/guides/launch/") == root / "guides/Launch.md"  # any case
    assert site.page_for_url("/plays/nope/") is None
    assert site.url_of(root / "_plays/plan.md") == "/plays/plan/"
    assert site.source_file("_plays/plan.md") == root / "_plays/plan.md"
    assert site.source_file("_plays/gone.md") is None
    assert site.claimants("/plays/plan") == [root / "_plays/plan.md"]
    assert site.layout_anchors(root / "_plays/plan.md") == frozenset({"plan-ahead"})
    assert site.anchors_incomplete(root / "content/news/x.md") is True
    assert site.anchors_incomplete(root / "_plays/plan.md") is False
    assert site.own_path("https://guide.example.gov/sub/x/?a=1#b") == "/x/?a=1#b"
    assert site.own_path("https://GUIDE.example.gov/sub") == "/"
    assert site.own_path("https://other.example.gov/sub/x/") is None
    assert site.own_path("mailto:a@guide.example.gov") is None
    assert [site.is_page(root / p) for p in (
        "_plays/plan.md", "_includes/bit.md", "README.md", ".github/x.md",
        "assets/kit/docs/a.md", "node_modules/p/a.md", "docs/readme.markdown",
        "spec/fixtures/a.md")] == [True, False, False, False, False, False, False, False]


def test_include_and_exclude_globs() -> None:
    site = Site.from_pages(Path("/s"), {"README.md": "x\n", "drafts/a.md": "---\n---\n"},
                           include=["README.md"], exclude=["drafts/"])
    assert site.is_page(Path("/s/README.md")) is True
    assert site.is_page(Path("/s/drafts/a.md")) is False
    assert site.is_page(Path("/elsewhere/a.md")) is True


def test_hugo_ref_lookup() -> None:
    root = Path("/h")
    site = Site.from_pages(root, {
        "content/news/first.md": {}, "content/news/_index.md": {},
        "content/guides/setup/index.md": {}, "content/guides/setup/step.md": {},
    })
    page = root / "content/guides/setup/step.md"
    assert site.hugo_ref("first.md", page) == root / "content/news/first.md"
    assert site.hugo_ref("/news/first", page) == root / "content/news/first.md"
    assert site.hugo_ref("/news", page) == root / "content/news/_index.md"
    assert site.hugo_ref("index.md", page) == root / "content/guides/setup/index.md"
    assert site.hugo_ref("/guides/setup", page) == root / "content/guides/setup/index.md"
    assert site.hugo_ref("missing.md", page) is None
    assert site.hugo_ref("#top", page) == page


def test_site_root_is_the_nearest_folder_with_a_generator_config(tmp_path: Path) -> None:
    (tmp_path / "site" / "a" / "b").mkdir(parents=True)
    (tmp_path / "site" / "hugo.toml").write_text("", encoding="utf-8")
    (tmp_path / "loose").mkdir()
    assert site_for(tmp_path / "site" / "a" / "b" / "x.md", tmp_path).root == tmp_path / "site"
    assert site_for(tmp_path / "loose" / "x.md", tmp_path).root == tmp_path  # the linted folder
    assert site_for(SITES / "jekyll" / "_plays" / "x.md", SITES).root == SITES / "jekyll"
    assert site_for(SITES / "eleventy" / "pages" / "x.md", SITES).root == SITES / "eleventy"
    assert site_for(SITES / "middleman" / "source" / "manual" / "x.md", SITES).root == \
        SITES / "middleman"


def test_site_for_uses_config_root_and_caches(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    page = tmp_path / "docs" / "a.md"
    page.write_text("---\ntitle: A\n---\n", encoding="utf-8")
    one = site_for(page, tmp_path, {"root": tmp_path})
    assert one is site_for(page, tmp_path, {"root": tmp_path})
    assert one.root == tmp_path and one.page_for_url("/docs/a/") == page
    # no marker, and the run's root is elsewhere: the file's own folder
    assert site_for(page, Path("/nowhere"), {}).root == tmp_path / "docs"


def test_build_site_reads_generator_config_and_image_data() -> None:
    hugo = build_site(SITES / "hugo")
    assert hugo.base_url == "https://guide.example.gov"
    assert hugo.image_alt("team-photo") == (True, "Five people around a whiteboard")
    assert hugo.image_alt("chart") == (True, None)
    assert hugo.image_alt("unknown-uid") == (False, None)
    assert hugo.page_for_url("/start/") in (SITES / "hugo/content/guides/setup.md",
                                            SITES / "hugo/content/about/index.md")
    jekyll = build_site(SITES / "jekyll")
    assert jekyll.path_prefix == "/guide"
    assert jekyll.page_for_url("/guide/plays/review/") == SITES / "jekyll/_plays/review.md"


# -- config ----------------------------------------------------------------------------

def test_site_config_table(tmp_path: Path) -> None:
    cfg = from_table({"site": {"root": "web", "base-url": "https://x.example.gov",
                               "include": ["README.md"], "exclude": ["drafts/"]}},
                     tmp_path / ".playbook-lint.toml")
    assert cfg.site == {"root": (tmp_path / "web").resolve(),
                        "base-url": "https://x.example.gov",
                        "include": ["README.md"], "exclude": ["drafts/"]}
    with pytest.raises(ConfigError, match=r"site\.base-url: 'x\.gov' does not match"):
        from_table({"site": {"base-url": "x.gov"}}, tmp_path / ".playbook-lint.toml")
    with pytest.raises(ConfigError, match=r"site\.baseurl: unknown key"):
        from_table({"site": {"baseurl": "/x"}}, tmp_path / ".playbook-lint.toml")


# -- each generator, end to end ----------------------------------------------------------

def test_jekyll_site() -> None:
    files, found = lint_site(SITES / "jekyll")
    # README/CONTRIBUTING, .github/, vendored assets/** and the _includes partial are
    # not pages: 6 pages linted, and their dead links are not reported.
    assert files == 6
    assert found == [
        ("_posts/2024-03-01-new-plays.md", 5, 19, 47, "error",
         'link target "{% link _plays/retired.md %}" does not exist '
         '(no file "_plays/retired.md" in the site)'),
        ("_posts/2024-03-01-new-plays.md", 5, 63, 95, "error",
         'link target "{{ site.baseurl }}/guides/lanch/" does not exist'),
        ("_posts/2024-03-01-new-plays.md", 7, 55, 74, "info",
         'template link "{{ page.next_url }}" not checked: the variable "page.next_url" is '
         "not understood"),
        ("guides/launch.md", 5, 15, 32, "error",
         'link target "/play/plan-ahead/" does not exist '
         '(front matter "nav-breadcrumbs[1].Plays")'),
    ]


def test_jekyll_site_with_include_glob(tmp_path: Path) -> None:
    config = from_table({"site": {"include": ["CONTRIBUTING.md"]}},
                        SITES / "jekyll" / ".playbook-lint.toml")
    files, found = lint_site(SITES / "jekyll", "broken-link", config)
    assert files == 7
    assert ("CONTRIBUTING.md", 3, 15, 24, "error", 'link target "/nowhere/" does not exist') \
        in found


def test_hugo_site() -> None:
    files, found = lint_site(SITES / "hugo")
    assert files == 5  # the layouts/partials note is not a page
    assert found == [
        ("content/_index.md", 12, 16, 40, "error",
         'link target "{{< ref "missing.md" >}}" does not exist (no page "missing.md" for ref)'),
        ("content/_index.md", 12, 63, 94, "error",
         'link target "https://guide.example.gov/nope/" does not exist'),
        ("content/about/index.md", 3, 6, 13, "error",
         'url "/start/" is also claimed by "content/guides/setup.md"'),
        ("content/guides/setup.md", 3, 6, 13, "error",
         'url "/start/" is also claimed by "content/about/index.md"'),
        ("content/news/first-post.md", 9, 1, 24, "warning",
         'image "chart" has no alt text: add "alt" to data/images/chart.yml or an '
         'alt="..." to the shortcode'),
        # alt="" keeps the data file's alt (team-photo has one, chart has none)
        ("content/news/first-post.md", 16, 1, 31, "warning",
         'image "chart" has no alt text: add "alt" to data/images/chart.yml or an '
         'alt="..." to the shortcode'),
        ("content/news/first-post.md", 17, 1, 41, "warning",
         'image alt text "Image" does not describe the image'),
    ]


def test_middleman_site() -> None:
    files, found = lint_site(SITES / "middleman")
    # source/_footer.html.md is a partial; alerts.html.md.erb is a page (issue 9 item 4)
    assert files == 3
    assert found == [
        ("source/index.html.md", 6, 21, 53, "error",
         'no heading or anchor "#roll-forward" in "/manual/deploy.html"'),
        ("source/index.html.md", 8, 13, 33, "error",
         'link target "/manual/missing.html" does not exist'),
        # a Tech Docs site: Redcarpet writes #gov-uk-teams-on-call, so that is the id
        # suggested (GitHub's #govuk-teams-on-call was a wrong suggestion before)
        ("source/manual/deploy.html.md", 12, 51, 72, "error",
         'no heading or anchor "#GOV-UK-teams-on-call" in this page '
         '(did you mean "#gov-uk-teams-on-call"?)'),
    ]


def test_eleventy_site() -> None:
    files, found = lint_site(SITES / "eleventy")
    assert files == 2
    assert found == [
        ("index.md", 5, 59, 81, "error", 'link target "{% page "/contact/" %}" does not exist'),
    ]


def test_deleting_a_linked_file_is_reported(tmp_path: Path) -> None:
    site = tmp_path / "jekyll"
    shutil.copytree(SITES / "jekyll", site)
    (site / "_plays" / "plan-ahead.md").unlink()
    _, found = lint_site(site, "broken-link")
    assert [f for f in found if f[0] == "_plays/review.md"] == [
        ("_plays/review.md", 7, 23, 54, "error",
         'link target "{% link _plays/plan-ahead.md %}" does not exist '
         '(no file "_plays/plan-ahead.md" in the site)'),
    ]


def test_post_urls_resolve_whatever_the_permalink_prefix() -> None:
    # seen in uswds-site: posts published under /whats-new/updates/YYYY/MM/DD/title/
    root = Path("/s")
    site = Site.from_pages(root, {"_posts/2021-03-01-better-icons.md": {"title": "Icons"}})
    post = root / "_posts/2021-03-01-better-icons.md"
    assert site.page_for_url("/whats-new/updates/2021/03/01/better-icons/") == post
    assert site.page_for_url("/blog/2021/03/01/better-icons.html") == post
    assert site.page_for_url("/blog/2021/03/02/better-icons/") is None


def test_partials_beside_a_page_make_its_anchors_incomplete() -> None:
    # seen in uswds-site: _components/x/x.md with guidance/*.md partials its layout includes
    root = Path("/s")
    site = Site.from_pages(root, {
        "_components/toggle/toggle.md": "---\ntitle: Toggle\n---\nText\n",
        "_components/toggle/guidance/usage.md": "## When to use\n",
        "_components/card/card.md": "---\ntitle: Card\n---\nText\n",
        "index.md": "---\ntitle: Home\n---\n", "_includes/bit.md": "x\n",
    })
    assert site.anchors_incomplete(root / "_components/toggle/toggle.md") is True
    assert site.anchors_incomplete(root / "_components/card/card.md") is False
    assert site.anchors_incomplete(root / "index.md") is False


def test_site_root_of_an_exported_tree_is_its_readme_folder(tmp_path: Path) -> None:
    # linting ../shared/corpus from elsewhere: no generator config, no .git
    repo = tmp_path / "export"
    (repo / "guides" / "deep").mkdir(parents=True)
    (repo / "README.md").write_text("Export\n", encoding="utf-8")
    page = repo / "guides" / "deep" / "a.md"
    page.write_text("---\ntitle: A\n---\n[b](/guides/b/)\n", encoding="utf-8")
    site = site_for(page, Path("/nowhere"), {})
    assert site.root == repo
    assert site.page_for_url("/guides/deep/a/") == page


def test_permalink_patterns_from_generator_config(tmp_path: Path) -> None:
    jekyll = tmp_path / "j"
    (jekyll / "_posts").mkdir(parents=True)
    (jekyll / "_guides").mkdir()
    (jekyll / "_config.yml").write_text(
        "permalink: /blog/:year/:title/\ncollections:\n  guides:\n"
        "    permalink: /g/:path/\n", encoding="utf-8")
    (jekyll / "_posts" / "2023-04-05-launch.md").write_text("---\n---\n", encoding="utf-8")
    (jekyll / "_guides" / "setup.md").write_text("---\n---\n", encoding="utf-8")
    site = build_site(jekyll)
    assert site.url_of(jekyll / "_posts/2023-04-05-launch.md") == "/blog/2023/launch/"
    assert site.url_of(jekyll / "_guides/setup.md") == "/g/setup/"
    hugo = tmp_path / "h"
    (hugo / "content" / "news").mkdir(parents=True)
    (hugo / "hugo.toml").write_text('[permalinks]\nnews = "/:year/:month/:slug/"\n',
                                    encoding="utf-8")
    (hugo / "content" / "news" / "big-day.md").write_text(
        "---\ntitle: A Big Day!\ndate: 2022-01-31\n---\n", encoding="utf-8")
    site = build_site(hugo)
    assert site.url_of(hugo / "content/news/big-day.md") == "/2022/01/a-big-day/"
    assert site.page_for_url("/2022/01/a-big-day") == hugo / "content/news/big-day.md"


def test_a_stray_text_file_or_report_does_not_turn_an_export_into_a_checkout(
        tmp_path, monkeypatch, capsys):
    """Found by a new-user trial: `touch notes.txt` (or a JSON report written into the
    tree) turned 101 "not checked" infos into errors."""
    from cli_runner import run

    (tmp_path / "a.md").write_text("# A\n\n![Chart](img/chart.png)\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def severity() -> str:
        from playbook_lint.site import forget_sites

        forget_sites()  # each run as a new process would see the tree
        code, out, _ = run(["--offline", "--no-cache", "--select", "broken-link",
                            "--format", "json", "."], capsys)
        return json.loads(out)["findings"][0]["severity"]

    assert severity() == "info"  # only Markdown: the export has no images at all
    (tmp_path / "notes.txt").write_text("x\n", encoding="utf-8")
    (tmp_path / "run1.json").write_text("{}\n", encoding="utf-8")
    assert severity() == "info"
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "logo.png").write_bytes(b"")
    assert severity() == "error"  # the tree holds images, and not this one


# -- the SiteModel protocol ------------------------------------------------------------

@pytest.mark.parametrize("name", ["jekyll", "hugo", "eleventy", "middleman"])
def test_a_lazy_site_answers_every_protocol_question_as_the_built_site(name: str) -> None:
    """``LazySite`` answers some questions itself and hands the rest to the built
    ``Site`` (mypy cannot check those through ``__getattr__``): each member of
    ``SiteModel`` gives the same answer both ways."""
    from playbook_lint.site import LazySite
    from playbook_lint.site_model import SiteModel

    root = SITES / name
    members = sorted(n for n in vars(SiteModel) if not n.startswith("_"))
    assert len(members) == 17
    built = build_site(root)
    pages = sorted(built.pages)
    assert pages
    for member in members:
        lazy = LazySite(root, base_url=None, include=(), exclude=())
        want, got = getattr(built, member), getattr(lazy, member)
        if not callable(want):
            if member == "generator":
                assert type(got) is type(want) and got.root == want.root
            else:
                assert got == want, member
            continue
        for page in pages:
            rel = page.relative_to(root).as_posix()
            args = {
                "page_for_url": ("/" + rel,), "url_of": (page,), "source_file": (rel,),
                "hugo_ref": (page.name, page), "own_path": ("https://x.example/a/",),
                "unresolved_reason": (), "link_bases": (page,),
                "anchors_incomplete": (page,), "layout_anchors": (page,),
                "claimants": (built.url_of(page) or "/",), "image_alt": ("team-photo",),
                "is_page": (page,),
            }[member]
            assert got(*args) == want(*args), (member, rel)
