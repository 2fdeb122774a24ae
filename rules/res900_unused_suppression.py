from reslint.model import Safety, Severity
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

    ## Fix safety
    Safe. The fix removes the stale codes from the comment, or the whole directive when none is left
    (with the comment, and the line when the comment stood alone). Text after the directive is kept.
    Removing a suppression that suppresses nothing cannot change what the program does.

    ## Known limitations
    Opt-in: select it with `extend-select = ["RES900"]`. A code of a rule that is not enabled for the
    file is not reported, since the comment may serve another configuration. A bare `# noqa` is left
    to the tools that own it.
    """

    code = "RES900"
    name = "unused-suppression"
    precision = "very-high"
    family = "linter"
    severity = Severity.NOTE
    default_enabled = False
    fix_safety = Safety.SAFE
