#!/usr/bin/env bash
# The "Lint" step of action.yml, kept as a script so tests can run it as the runner
# does. Reads PLAYBOOK_LINT_PATHS / PLAYBOOK_LINT_ARGS / PLAYBOOK_LINT_SUMMARY and the
# runner's RUNNER_TEMP, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY. Annotations go to
# standard output as workflow commands; the exit status is passed on as an output, so
# the summary and the SARIF upload happen before the job fails.
set -uo pipefail
tmp="${RUNNER_TEMP:-$(mktemp -d)}"
sarif="$tmp/playbook-lint.sarif"
summary="$tmp/playbook-lint-summary.md"
# word splitting of paths and args is intended: they are lists
# shellcheck disable=SC2086
playbook-lint --format github --report "sarif:$sarif" --report "markdown:$summary" \
  ${PLAYBOOK_LINT_ARGS:-} ${PLAYBOOK_LINT_PATHS:-.}
status=$?
if [ "${PLAYBOOK_LINT_SUMMARY:-true}" = "true" ] && [ -f "$summary" ] \
   && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$summary" >> "$GITHUB_STEP_SUMMARY"
fi
if [ -f "$sarif" ]; then
  echo "sarif-file=$sarif" >> "${GITHUB_OUTPUT:-/dev/null}"
fi
echo "exit-code=$status" >> "${GITHUB_OUTPUT:-/dev/null}"
exit 0
