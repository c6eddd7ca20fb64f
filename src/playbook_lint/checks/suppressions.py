"""Meta rules about the tool's own comments: ``suppression-unknown-rule`` (PL901)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from playbook_lint.findings import RawFinding, Severity
from playbook_lint.rule import Context, Rule
from playbook_lint.suppress import rule_references

if TYPE_CHECKING:
    from playbook_lint.document import Document

__all__ = ["SuppressionUnknownRule"]


class SuppressionUnknownRule(Rule):
    """Report a suppression comment that names a rule the run does not know.

    **What it does.** Reads every ``<!-- playbook-lint-disable ... -->``,
    ``enable``, ``disable-line`` and ``disable-next-line`` comment (not those in code)
    and reports each rule name or code in it that is neither a rule's name nor its
    code, with the closest known name when there is one.

    **Why it matters.** A misspelt name silences nothing: the finding the author
    meant to suppress still fails the run, or, worse, a later ``enable`` with the
    right name never matches the ``disable`` it was meant to end.

    **Example.** ``Old page. <!-- playbook-lint-disable-line outdated-lnk -->``

    **Use instead.** ``<!-- playbook-lint-disable-line outdated-link -->``

    **Fix.** None: the closest name is a guess, so it is only suggested in the message.

    **Source.** Modelled on ruff's ``RUF102`` (invalid rule code in ``# noqa``),
    https://docs.astral.sh/ruff/rules/invalid-rule-code/
    """

    name: ClassVar[str] = "suppression-unknown-rule"
    code: ClassVar[str] = "PL901"
    default_severity: ClassVar[Severity] = Severity.WARNING
    summary: ClassVar[str] = "A suppression comment names a rule that does not exist"

    def check(self, doc: Document, ctx: Context) -> Iterator[RawFinding]:
        """Yield one report per unknown name, at the name inside the comment.

        Nothing is reported when ``ctx.rule_names`` is empty (the run's rules are not
        known, so no name can be called unknown)."""
        known = ctx.rule_names
        if not known:
            return
        upper = {k.upper() for k in known}
        names = sorted(k for k in known if not k[:1].isupper())
        for name, offset in rule_references(doc):
            if name in known or name.upper() in upper:
                continue
            import difflib  # (a rule name to suggest is rare)

            close = difflib.get_close_matches(name.lower(), names, n=1, cutoff=0.6)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            yield RawFinding(
                start=offset, end=offset + len(name),
                message=f'unknown rule "{name}" in suppression comment{hint}',
                suggestion=close[0] if close else None,
            )
