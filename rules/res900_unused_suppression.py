from reslint.model import Severity
from reslint.rule import Rule


class UnusedSuppression(Rule):
    """
    ## What it does
    Reports a `# reslint: ignore[...]` or `# noqa: RES...` comment that suppresses nothing: the finding
    it was written for is gone, or the code in it names no rule.

    ## Why is this bad?
    A stale suppression hides the next real finding on that line, and an unknown code (a typo) never
    suppressed anything. Removing them keeps every suppression a deliberate decision.

    ## Example
    ```python
    try:
        connect()
    except ConnectionError:  # reslint: ignore[RES301]
        retry_later()
    ```

    ## Use instead
    ```python
    try:
        connect()
    except ConnectionError:
        retry_later()
    ```

    ## Known limitations
    Opt-in: select it with `extend-select = ["RES900"]`. A code of a rule that is not enabled for the
    file is not reported, since the comment may serve another configuration. A bare `# noqa` is left
    to the tools that own it.
    """

    code = "RES900"
    name = "unused-suppression"
    family = "linter"
    severity = Severity.NOTE
    default_enabled = False
