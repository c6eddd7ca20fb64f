"""Allow ``python -m playbook_lint``."""

from playbook_lint.cli import console_main

if __name__ == "__main__":
    console_main()
