"""A self-contained HTML report that content designers can read.

``playbook-lint --format html --output report.html`` writes one file with inline
CSS and no fonts, images or other external assets, so it can be attached to a
ticket, opened from a CI artifact or printed. It shows:

1. a summary: findings in total and by severity, by rule (each rule linked to its
   documentation page), and link health by host when links were checked online;
2. the 20 worst pages (most errors, then warnings);
3. filters by severity and by rule: checkboxes that hide findings through CSS
   ``:has()`` alone, so they work with scripts off; a small inline script only
   hides pages left empty and shows how many findings are visible;
4. the findings grouped by page, pages with errors first and errors first within a
   page, each with its line of source, the problem span highlighted, the
   suggestion and whether a fix is available.

Stable hooks for tests and scripts: ``id="count-total"``, ``id="count-files"``,
``id="count-error"``/``"count-warning"``/``"count-info"``, summary rows
``<tr data-rule="NAME">`` with ``<td class="count">``, link rows
``<tr data-host="HOST">`` with ``<td data-status="ok|broken|unverified|skipped">``,
pages ``<section class="page" data-path="PATH">`` and findings
``<article class="finding" data-rule="NAME" data-severity="SEV">``, worst pages
``<table id="worst-pages">`` rows ``<tr data-path="PATH">``, filters
``<input id="f-sev-SEV">`` and ``<input id="f-rule-N" data-rule="NAME">``.

Every piece of text from files, findings and rules is HTML-escaped.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any
from urllib.parse import quote, urlsplit

from playbook_lint.baseline import SourceLines
from playbook_lint.findings import Finding, Severity
from playbook_lint.reporters.common import Summary, count_line
from playbook_lint.reporters.sarif import RULE_DOCS_URL

__all__ = ["render", "LINK_STATUSES"]

#: Link statuses in the order the link health table shows them.
LINK_STATUSES = ("ok", "broken", "unverified", "skipped")

#: The list of pages is shown open up to this many pages, folded (``<details>``) above.
OPEN_PAGE_LIST = 40

#: At most this many characters of a source line are shown around the problem.
MAX_LINE = 400

#: Rows in the "worst pages" table.
WORST_PAGES = 20

#: Enhances the CSS-only filters: hides pages whose findings are all filtered out and
#: says how many findings are shown. The report works the same without it.
SCRIPT = """
(function () {
  var form = document.getElementById('filters');
  if (!form) return;
  function update() {
    var shown = 0;
    document.querySelectorAll('section.page').forEach(function (page) {
      var n = 0;
      page.querySelectorAll('article.finding').forEach(function (a) {
        if (getComputedStyle(a).display !== 'none') n++;
      });
      page.hidden = n === 0;
      shown += n;
    });
    var out = document.getElementById('shown');
    if (out) out.textContent = shown + ' shown';
  }
  form.addEventListener('change', update);
  update();
})();
"""

_SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)

CSS = """
:root { color-scheme: light; --ink: #0b0c0c; --muted: #505a5f; --line: #b1b4b6;
  --panel: #f3f2f1; --error: #d4351c; --warning: #f47738; --info: #1d70b8;
  --mark: #ffdd00; --ok: #00703c; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial,
  sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 32px 48px; overflow-wrap: anywhere; }
#link-health th[scope=row] { overflow-wrap: normal; word-break: normal; min-width: 9em; }
#link-health thead th { overflow-wrap: normal; }
header.top { background: var(--ink); color: #fff; }
header.top .inner { max-width: 1040px; margin: 0 auto; padding: 16px 32px; display: flex;
  justify-content: space-between; align-items: baseline; gap: 16px; flex-wrap: wrap; }
header.top h1 { margin: 0; font-size: 24px; }
header.top .meta { color: #dee0e2; font-size: 14px; }
h2 { font-size: 22px; margin: 32px 0 12px; }
h3 { font-size: 18px; margin: 0 0 8px; }
.lead { font-size: 19px; margin: 8px 0 16px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 16px 0 8px; }
.card { border: 1px solid var(--line); border-top-width: 6px; padding: 10px 16px;
  min-width: 140px; background: #fff; }
.card .n { display: block; font-size: 32px; font-weight: 700; line-height: 1.1; }
.card .label { color: var(--muted); font-size: 14px; }
.card.total { border-top-color: var(--ink); }
.card.error { border-top-color: var(--error); }
.card.warning { border-top-color: var(--warning); }
.card.info { border-top-color: var(--info); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr));
  gap: 8px 32px; align-items: start; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; font-size: 15px; }
caption { text-align: left; font-weight: 700; font-size: 18px; padding: 8px 0; }
th[scope="row"] code { white-space: nowrap; }
th, td { text-align: left; padding: 6px 10px 6px 0; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { font-weight: 700; }
td.count, th.count { text-align: right; font-variant-numeric: tabular-nums; width: 6em; }
td.zero { color: var(--muted); }
td[data-status="broken"]:not(.zero) { color: var(--error); font-weight: 700; }
td[data-status="ok"]:not(.zero) { color: var(--ok); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 14px; }
.messages { background: var(--panel); border-left: 5px solid var(--info);
  padding: 8px 16px; margin: 16px 0; }
nav.pages summary { cursor: pointer; }
nav.pages summary h2 { display: inline; }
nav.pages ul { columns: 2; column-gap: 32px; padding-left: 20px; margin: 8px 0; }
nav.pages li { break-inside: avoid; }
section.page { margin: 28px 0 0; padding-top: 8px; border-top: 3px solid var(--ink); }
section.page h3 { font-size: 20px; }
section.page h3 .n { font-weight: 400; color: var(--muted); font-size: 16px; }
article.finding { border-left: 5px solid var(--line); padding: 6px 0 6px 14px;
  margin: 12px 0 16px; }
article.finding.error { border-left-color: var(--error); }
article.finding.warning { border-left-color: var(--warning); }
article.finding.info { border-left-color: var(--info); }
.where { color: var(--muted); font-size: 14px; }
.tag { display: inline-block; font-size: 12px; font-weight: 700; letter-spacing: .04em;
  text-transform: uppercase; padding: 1px 6px; color: #fff; margin-right: 6px; }
.tag.error { background: var(--error); }
.tag.warning { background: #b24800; }
.tag.info { background: var(--info); }
.message { font-size: 17px; margin: 2px 0 6px; }
pre.source { background: var(--panel); padding: 8px 12px 8px calc(12px + 4em); margin: 6px 0;
  white-space: pre-wrap; overflow-wrap: anywhere; text-indent: -4em; }
pre.source .ln { color: var(--muted); user-select: none; display: inline-block;
  min-width: 4em; text-indent: 0; }
mark { background: var(--mark); color: var(--ink); padding: 0 1px;
  text-decoration: underline wavy var(--error); text-underline-offset: 3px; }
.suggestion { margin: 4px 0; }
.suggestion strong { font-weight: 700; }
.fix { color: var(--muted); font-size: 14px; margin: 2px 0; }
.clean { font-size: 19px; padding: 16px; background: #e7f4ec; border-left: 5px solid var(--ok); }
footer { color: var(--muted); font-size: 14px; margin-top: 40px; }
form#filters { background: var(--panel); padding: 8px 16px; margin: 16px 0; }
form#filters fieldset { border: 0; margin: 0; padding: 4px 0; }
form#filters legend { font-weight: 700; padding: 0; }
form#filters label { display: inline-block; margin: 2px 16px 2px 0; white-space: nowrap; }
#shown { color: var(--muted); font-size: 14px; }
@media print { header.top { background: none; color: var(--ink); }
  header.top .meta { color: var(--muted); } section.page { break-inside: avoid-page; } }
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _rule_meta(rules: Mapping[str, Any], name: str) -> tuple[str, str]:
    cls = rules.get(name)
    code = str(getattr(cls, "code", "") or "") if cls is not None else ""
    summary = str(getattr(cls, "summary", "") or "") if cls is not None else ""
    return code, summary


def _rule_link(name: str) -> str:
    """The rule's name linked to its documentation page (docs/rules/NAME.md)."""
    return f'<a href="{_e(RULE_DOCS_URL + quote(name) + ".md")}"><code>{_e(name)}</code></a>'


def _severity_order(f: Finding) -> tuple[int, int, int, str]:
    return (-int(f.severity), f.line, f.column, f.rule)


def _worst_pages(pages: Mapping[str, Sequence[Finding]], ids: Mapping[str, int]) -> list[str]:
    def score(items: Sequence[Finding]) -> tuple[int, ...]:
        c = Counter(f.severity for f in items)
        return tuple(-c.get(s, 0) for s in _SEVERITIES)

    worst = sorted(pages.items(), key=lambda kv: (score(kv[1]), kv[0]))[:WORST_PAGES]
    out = [f'<table id="worst-pages"><caption>The {min(WORST_PAGES, len(pages))} pages with '
           "the most findings</caption><thead><tr><th scope=\"col\">Page</th>"
           + "".join(f'<th scope="col" class="count">{"info" if s is Severity.INFO else f"{s}s"}'
                     "</th>" for s in _SEVERITIES)
           + "</tr></thead><tbody>"]
    for path, items in worst:
        c = Counter(f.severity for f in items)
        cells = "".join(f'<td class="count{"" if c.get(s) else " zero"}">{c.get(s, 0)}</td>'
                        for s in _SEVERITIES)
        out.append(f'<tr data-path="{_e(path)}"><th scope="row"><a href="#page-{ids[path]}">'
                   f"{_e(path)}</a></th>{cells}</tr>")
    out.append("</tbody></table>")
    return out


def _filters(findings: Sequence[Finding]) -> tuple[list[str], str]:
    """The filter form and the CSS rules that make its checkboxes work without JS."""
    by_sev = Counter(f.severity for f in findings)
    rules = sorted(Counter(f.rule for f in findings).items(), key=lambda kv: (-kv[1], kv[0]))
    html = ['<form id="filters" aria-label="Filter findings"><fieldset><legend>Severity'
            "</legend>"]
    css = []
    for sev in _SEVERITIES:
        html.append(f'<label><input type="checkbox" id="f-sev-{sev}" checked> {sev} '
                    f'({by_sev.get(sev, 0)})</label>')
        css.append(f"body:has(#f-sev-{sev}:not(:checked)) article.finding.{sev} "
                   "{ display: none; }")
    html.append("</fieldset><fieldset><legend>Rule</legend>")
    for i, (name, n) in enumerate(rules, 1):
        html.append(f'<label><input type="checkbox" id="f-rule-{i}" data-rule="{_e(name)}" '
                    f"checked> <code>{_e(name)}</code> ({n})</label>")
        css.append(f'body:has(#f-rule-{i}:not(:checked)) article.finding[data-rule="'
                   f'{_css_string(name)}"] {{ display: none; }}')
    html.append('</fieldset><span id="shown"></span></form>')
    return html, "\n".join(css)


def _css_string(value: str) -> str:
    """``value`` safe inside a double-quoted CSS string (and inside ``<style>``)."""
    return "".join(c if c.isalnum() or c in "-_." else f"\\{ord(c):x} " for c in value)


def _host(result: Any, key: str) -> str:
    """The URL's host name; ``"(mailto links)"`` and the like for URLs without one."""
    url = getattr(result, "url", None) or key
    try:
        parts = urlsplit(str(url))
        host = parts.hostname
    except ValueError:
        return "(other links)"
    if host:
        return host
    return f"({parts.scheme} links)" if parts.scheme.isalnum() else "(other links)"


def _summary_section(findings: Sequence[Finding], summary: Summary) -> list[str]:
    out: list[str] = []
    by_sev = Counter(f.severity for f in findings)
    out.append('<section class="summary" aria-labelledby="summary-h">')
    out.append('<h2 id="summary-h">Summary</h2>')
    out.append(f'<p class="lead" id="count-line">{_e(count_line(findings, summary.files))}</p>')
    out.append('<div class="cards">')
    out.append(f'<div class="card total"><span class="n" id="count-total">{len(findings)}'
               f'</span><span class="label">{"finding" if len(findings) == 1 else "findings"}'
               f'</span></div>')
    for sev in _SEVERITIES:
        n = by_sev.get(sev, 0)
        label = str(sev) if n == 1 or sev is Severity.INFO else f"{sev}s"
        out.append(f'<div class="card {sev}"><span class="n" id="count-{sev}">{n}</span>'
                   f'<span class="label">{label}</span></div>')
    out.append(f'<div class="card"><span class="n" id="count-files">{summary.files}</span>'
               f'<span class="label">{"page" if summary.files == 1 else "pages"} checked'
               f'</span></div>')
    out.append("</div>")

    out.append('<div class="grid">')
    by_rule = Counter(f.rule for f in findings)
    if by_rule:
        out.append('<table id="by-rule"><caption>Findings by rule</caption>')
        out.append('<thead><tr><th scope="col">Rule</th><th scope="col">What it finds</th>'
                   '<th scope="col" class="count">Findings</th></tr></thead><tbody>')
        for name, n in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
            code, rule_summary = _rule_meta(summary.rules, name)
            code_html = f" <span class=\"where\">{_e(code)}</span>" if code else ""
            out.append(f'<tr data-rule="{_e(name)}"><th scope="row">{_rule_link(name)}'
                       f'{code_html}</th><td>{_e(rule_summary)}</td>'
                       f'<td class="count">{n}</td></tr>')
        out.append("</tbody></table>")

    hosts: dict[str, Counter[str]] = defaultdict(Counter)
    for key, result in summary.link_results.items():
        status = str(getattr(result, "status", "") or "unknown")
        hosts[_host(result, str(key))][status] += 1
    if hosts:
        statuses = list(LINK_STATUSES) + sorted(
            {s for c in hosts.values() for s in c} - set(LINK_STATUSES))
        out.append('<table id="link-health"><caption>Link health by host</caption><thead><tr>'
                   '<th scope="col">Host</th>'
                   + "".join(f'<th scope="col" class="count">{_e(s)}</th>' for s in statuses)
                   + "</tr></thead><tbody>")
        order = sorted(hosts.items(), key=lambda kv: (kv[0].startswith("("), -kv[1]["broken"],
                                                      -sum(kv[1].values()), kv[0]))
        for host, counts in order:
            cells = "".join(
                f'<td class="count{"" if counts[s] else " zero"}" data-status="{_e(s)}">'
                f"{counts[s]}</td>"
                for s in statuses
            )
            out.append(f'<tr data-host="{_e(host)}"><th scope="row">{_e(host)}</th>{cells}</tr>')
        out.append("</tbody></table>")
    out.append("</div>")

    if summary.messages:
        out.append('<div class="messages" id="messages"><strong>Notes from this run</strong><ul>')
        out.extend(f"<li>{_e(m)}</li>" for m in summary.messages)
        out.append("</ul></div>")
    out.append("</section>")
    return out


def _source_html(f: Finding, source: SourceLines) -> str:
    """The finding's first line with the problem span in ``<mark>`` (empty if unreadable)."""
    lines = source.lines(f.path)
    if not 1 <= f.line <= len(lines):
        return ""
    text = lines[f.line - 1]
    start = max(0, min(f.column - 1, len(text)))
    if f.end_line is None or f.end_column is None:
        end = start
    elif f.end_line == f.line:
        end = max(start, min(f.end_column - 1, len(text)))
    else:
        end = len(text)
    if end == start and start < len(text):
        end = start + 1  # show at least one character for a point finding
    lo = 0
    hi = len(text)
    if hi > MAX_LINE:  # keep the span in view on very long lines
        lo = max(0, start - MAX_LINE // 2)
        hi = min(len(text), max(end, lo + MAX_LINE))
    pre = ("…" if lo else "") + text[lo:start]
    post = text[end:hi] + ("…" if hi < len(text) else "")
    marked = f"<mark>{_e(text[start:end])}</mark>" if end > start else ""
    return (f'<pre class="source"><span class="ln">{f.line}</span>{_e(pre)}{marked}{_e(post)}'
            f"</pre>")


def _finding_html(f: Finding, rules: Mapping[str, Any], source: SourceLines) -> str:
    code, _ = _rule_meta(rules, f.rule)
    rule = _rule_link(f.rule) + (f" ({_e(code)})" if code else "")
    parts = [
        f'<article class="finding {f.severity}" data-rule="{_e(f.rule)}" '
        f'data-severity="{f.severity}" data-line="{f.line}">',
        f'<div class="where"><span class="tag {f.severity}">{f.severity}</span>'
        f"Line {f.line}, column {f.column} · {rule}</div>",
        f'<p class="message">{_e(f.message)}</p>',
        _source_html(f, source),
    ]
    if f.suggestion is not None:
        parts.append(f'<p class="suggestion"><strong>Suggestion:</strong> {_e(f.suggestion)}'
                     f"</p>")
    if f.fix is not None:
        how = "--fix" if f.fix.safe else "--fix --unsafe-fixes"
        parts.append(f'<p class="fix">Automatic fix: {_e(f.fix.title)} '
                     f"(<code>{how}</code>)</p>")
    parts.append("</article>")
    return "".join(parts)


def render(findings: Sequence[Finding], summary: Summary) -> str:
    """The run as one self-contained HTML page (UTF-8 text; see the module docstring).

    Args:
        findings: the run's findings; pages and findings appear sorted by path, line,
            column and rule.
        summary: run facts; source lines are read from ``summary.root / finding.path``
            (a file that cannot be read is shown without its line);
            ``summary.link_results`` values need ``.status`` and ``.url`` (an empty
            mapping shows no link table).

    Never raises for unreadable files, unknown rules or odd link results.
    """
    ordered = sorted(findings)
    source = SourceLines(summary.root)
    filter_html, filter_css = _filters(ordered)
    version = f" {summary.version}" if summary.version else ""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>playbook-lint report</title>",
        f"<style>{CSS}\n{filter_css}</style>",
        "</head>",
        "<body>",
        f'<header class="top"><div class="inner"><h1>playbook-lint report</h1>'
        f'<span class="meta">{_e(count_line(ordered, summary.files))} · playbook-lint'
        f"{_e(version)}</span></div></header>",
        "<main>",
    ]
    out += _summary_section(ordered, summary)

    by_path: dict[str, list[Finding]] = {}
    for f in ordered:
        by_path.setdefault(f.path, []).append(f)

    def page_rank(kv: tuple[str, list[Finding]]) -> tuple[int, ...]:
        c = Counter(f.severity for f in kv[1])
        return tuple(-c.get(s, 0) for s in _SEVERITIES)

    pages = {path: sorted(items, key=_severity_order)
             for path, items in sorted(by_path.items(), key=lambda kv: (page_rank(kv), kv[0]))}
    ids = {path: i for i, path in enumerate(pages, 1)}
    if pages:
        out += _worst_pages(pages, ids)
        out += filter_html
    if not pages:
        out.append('<p class="clean" id="no-findings">No findings: every page passed the '
                   "checks that ran.</p>")
    else:
        opened = " open" if len(pages) <= OPEN_PAGE_LIST else ""
        out.append(f'<nav class="pages" aria-labelledby="pages-h"><details{opened}><summary>'
                   f'<h2 id="pages-h">Pages with findings ({len(pages)})</h2></summary><ul>')
        for i, (path, items) in enumerate(pages.items(), 1):
            out.append(f'<li><a href="#page-{i}">{_e(path)}</a> '
                       f'<span class="where">{_plural(len(items), "finding")}</span></li>')
        out.append("</ul></details></nav>")
        out.append('<h2 id="findings-h">Findings by page</h2>')
        for i, (path, items) in enumerate(pages.items(), 1):
            out.append(f'<section class="page" id="page-{i}" data-path="{_e(path)}">'
                       f'<h3>{_e(path)} <span class="n">{_plural(len(items), "finding")}'
                       "</span></h3>")
            out.extend(_finding_html(f, summary.rules, source) for f in items)
            out.append("</section>")
    out.append(f"<footer>Generated by playbook-lint{_e(version)}. Lines and columns count "
               "the file's own lines, front matter included.</footer>")
    if pages:
        out.append(f"<script>{SCRIPT}</script>")
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)
