"""Allow ``python -m playbook_lint``."""

from playbook_lint.cli import main

if __name__ == "__main__":
    main()
