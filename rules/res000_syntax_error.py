from reslint.model import Severity
from reslint.rule import Rule


class SyntaxErrorRule(Rule):
    """
    ## What it does
    Reports a file that reslint cannot read or parse: invalid syntax, bytes that are not valid in the
    file's encoding, a null byte, code nested too deeply to analyse, a file larger than
    `max-file-size` (2 MiB by default: the analysis needs 0.2 to 1.7 kB of memory per byte), or a
    file that cannot be opened.

    ## Why is this bad?
    A file reslint cannot parse is a file none of its rules checked. The run goes on with every other
    file, and this finding says which file was skipped, where and why, so the gap is never silent.

    ## Example
    ```python
    def handler(event:
        return event
    ```

    ## Use instead
    ```python
    def handler(event):
        return event
    ```

    ## Known limitations
    Syntax is checked with the interpreter reslint runs on and with libcst; a file that uses syntax
    newer than both is reported. Inline suppression comments do not apply to this code (a file that
    does not parse has no reliable comments); use `per-file-ignores` or `ignore`.
    """

    code = "RES000"
    name = "syntax-error"
    precision = "very-high"
    family = "linter"
    severity = Severity.ERROR
