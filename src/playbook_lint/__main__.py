"""Allow ``python -m playbook_lint``.

This runs :func:`playbook_lint.cli.main` and ends with the usual :class:`SystemExit`,
not the console script's hard exit (:func:`playbook_lint.cli.leave`): tools that run
the module through :mod:`runpy` and report after it returns (pyinstrument,
``python -m cProfile -m``, coverage) then still get their turn.
"""

from playbook_lint.cli import main

if __name__ == "__main__":
    main()
