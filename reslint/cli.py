"""The command line: arguments -> Settings -> api -> report -> exit code.

Exit codes: 0 no findings (or all fixed), 1 findings remain (or --diff would
change files), 2 usage, configuration or internal error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Sequence

import click

from . import __version__
from .model import ExitCode
from .output import FORMATS


def _split(values: Sequence[str]) -> List[str]:
    out: List[str] = []
    for value in values:
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return out


def _fail(message: str) -> "click.exceptions.Exit":
    click.echo(f"reslint: error: {message}", err=True)
    return click.exceptions.Exit(ExitCode.ERROR)


class _Group(click.Group):
    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt as exc:  # SIGINT (or SIGTERM in `check`: see reslint.interrupt)
            click.echo("reslint: interrupted", err=True)
            raise click.exceptions.Exit(getattr(exc, "exit_code", 130))
        except Exception as exc:  # an internal error: say so plainly, exit 2
            if os.environ.get("RESLINT_DEBUG"):
                raise
            click.echo(
                f"reslint: internal error: {type(exc).__name__}: {exc}\n"
                "This is a bug in reslint; please report it (set RESLINT_DEBUG=1 for a traceback).",
                err=True,
            )
            raise click.exceptions.Exit(ExitCode.ERROR)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="reslint")
def main() -> None:
    """reslint: finds the Python code that takes production down."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--fix", is_flag=True, help="Apply safe fixes (with --unsafe-fixes, unsafe ones too).")
@click.option("--unsafe-fixes/--no-unsafe-fixes", default=None, help="Also apply fixes that change behaviour.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing. Exit 1 if there is any change.")
@click.option("--output-format", "output_formats", multiple=True, metavar="FORMAT[=FILE]",
              help=f"Report format: {', '.join(FORMATS)} (default: text). Repeat it for several reports "
                   "from one run; FORMAT=FILE writes that one to FILE.")
@click.option("-o", "--output", "output_file", type=click.Path(dir_okay=False), help="Write the report to FILE instead of stdout.")
@click.option("--select", multiple=True, help="Rules to enable (codes, prefixes, names; comma-separated), replacing the config's select.")
@click.option("--extend-select", multiple=True, help="Rules to enable on top of the selection.")
@click.option("--ignore", multiple=True, help="Rules to disable.")
@click.option("--extend-exclude", multiple=True, help="More path patterns to skip (.gitignore syntax).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Use this pyproject.toml or reslint.toml.")
@click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
@click.option("--show-source/--no-show-source", default=None, help="Show a code frame under each finding.")
@click.option("--show-suppressed", is_flag=True, help="Also report findings silenced by suppression comments, marked as such.")
@click.option("--statistics", is_flag=True, help="Print a count of findings per rule.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only: no summary, no progress.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain.")
@click.option("--fail-on-internal-error", is_flag=True,
              help="Exit 2 when a rule fails on a file (by default that is a notice and the exit code follows the findings).")
@click.option("--stdin-filename", help="The path to report for source read from stdin ('-').")
@click.option("--force-exclude/--no-force-exclude", default=None, help="Apply exclusions to files named on the command line too (for pre-commit).")
@click.option("--respect-gitignore/--no-respect-gitignore", default=None, help="Skip what .gitignore files ignore (default: on).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", help="Colour in the text report.")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False),
              help="Leave out the findings recorded in this baseline file (default: the config's `baseline`); "
                   "say how many, and which entries match no finding any more.")
@click.option("--write-baseline", "write_baseline", type=click.Path(dir_okay=False),
              help="Record every finding of this run in FILE (a baseline), replacing it; later runs with "
                   "--baseline FILE report only new findings.")
@click.option("--add-noqa", is_flag=True,
              help="Write `# reslint: ignore[CODE]` on the line of each finding reported (existing comments are "
                   "kept; codes join an existing `# reslint: ignore[...]`), so that the next run reports none.")
@click.option("--add-noqa-reason", metavar="TEXT",
              help="With --add-noqa: a comment to write after each new suppression (`# TEXT`), such as a ticket.")
@click.option("-v", "--verbose", is_flag=True, help="List the baseline entries that match no finding any more.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the caches (results, directory walks, project "
              "index); RESLINT_CACHE_DIR=\"\" does the same.")
def check(paths, fix, unsafe_fixes, diff, output_formats, output_file, select, extend_select, ignore, extend_exclude,
          config_file, isolated, show_source, show_suppressed, statistics, quiet, exit_zero, stdin_filename,
          force_exclude, respect_gitignore, jobs, color, no_cache, fail_on_internal_error, baseline_file,
          write_baseline, add_noqa, add_noqa_reason, verbose) -> None:
    """Lint PATHS (files or directories; default "."; "-" reads stdin)."""
    from . import cache

    cache.disable(no_cache)
    try:
        _check(paths, fix, unsafe_fixes, diff, output_formats, output_file, select, extend_select, ignore,
               extend_exclude, config_file, isolated, show_source, show_suppressed, statistics, quiet, exit_zero,
               stdin_filename, force_exclude, respect_gitignore, jobs, color, no_cache, fail_on_internal_error,
               baseline_file, write_baseline, verbose, add_noqa, add_noqa_reason)
    finally:
        cache.disable(False)


def _check(paths, fix, unsafe_fixes, diff, output_formats, output_file, select, extend_select, ignore, extend_exclude,
           config_file, isolated, show_source, show_suppressed, statistics, quiet, exit_zero, stdin_filename,
           force_exclude, respect_gitignore, jobs, color, no_cache, fail_on_internal_error=False, baseline_file=None,
           write_baseline=None, verbose=False, add_noqa=False, add_noqa_reason=None) -> None:
    if add_noqa_reason is not None and not add_noqa:
        raise click.UsageError("--add-noqa-reason goes with --add-noqa")
    if add_noqa and (fix or diff):
        raise click.UsageError("--add-noqa cannot be combined with --fix or --diff: fix first, then suppress what is left")
    if add_noqa_reason is not None and ("\n" in add_noqa_reason or "\r" in add_noqa_reason):
        raise click.UsageError("--add-noqa-reason must be one line")
    from .config import ConfigError, Resolver

    overrides = {
        "select": _split(select), "extend_select": _split(extend_select), "ignore": _split(ignore),
        "extend_exclude": _split(extend_exclude), "unsafe_fixes": unsafe_fixes, "show_source": show_source,
        "force_exclude": force_exclude, "respect_gitignore": respect_gitignore,
    }
    try:
        # each file gets the settings of its nearest config file (or of --config), flags on top;
        # the run's own choices (output, fixing) are those of the working directory's
        resolver = Resolver(config_file=Path(config_file) if config_file else None, isolated=isolated,
                            overrides=overrides)
        settings = resolver.base
    except ConfigError as exc:
        raise _fail(str(exc))
    from .run import OutputSpecError, parse_outputs, run_check

    try:
        outputs = parse_outputs(output_formats or (settings.output_format,), output_file)
    except OutputSpecError as exc:
        raise click.UsageError(str(exc))
    baseline = None
    if write_baseline is None and (baseline_file or settings.baseline):
        from .baseline import BaselineError, load as load_baseline

        try:
            baseline = load_baseline(baseline_file or str(settings.baseline))
        except BaselineError as exc:
            where = "" if baseline_file else f" (the `baseline` of {settings.config_path})"
            raise _fail(f"{exc}{where}")
    try:
        code = _run(run_check, settings, resolver, paths, outputs, fix, diff, show_suppressed, statistics, quiet,
                    stdin_filename, jobs, color, no_cache, fail_on_internal_error, baseline, write_baseline, verbose,
                    add_noqa, add_noqa_reason)
    except ConfigError as exc:  # a config file met on the way (a nested one) is broken
        raise _fail(str(exc))
    if code > ExitCode.ERROR:  # interrupted (130, 143): never wait for a pool that could not stop
        from . import interrupt

        interrupt.exit_now_if_stuck(code)
    raise click.exceptions.Exit(ExitCode.CLEAN if exit_zero and code == ExitCode.FINDINGS else code)


def _run(run_check, settings, resolver, paths, outputs, fix, diff, show_suppressed, statistics, quiet, stdin_filename,
         jobs, color, no_cache, fail_on_internal_error, baseline, write_baseline, verbose, add_noqa,
         add_noqa_reason) -> int:
    return run_check(
        settings,
        list(paths) or ["."],
        outputs=outputs,
        fix=fix,
        diff=diff,
        show_suppressed=show_suppressed,
        statistics=statistics,
        quiet=quiet,
        stdin_filename=stdin_filename,
        jobs=jobs,
        color={"auto": None, "always": True, "never": False}[color],
        use_cache=not no_cache,
        fail_on_internal_error=fail_on_internal_error,
        resolver=resolver,
        baseline=baseline,
        write_baseline=write_baseline,
        verbose=verbose,
        add_noqa=add_noqa,
        noqa_reason=add_noqa_reason,
    )


@main.command()
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(["auto", "markdown", "rich"]), default="auto",
              help="markdown prints the raw text; rich renders it (default: rich on a terminal).")
def rule(code: str, fmt: str) -> None:
    """Print the documentation of the rule CODE (a code such as RES301, or a name such as bare-except)."""
    from . import docs, registry

    found = registry.lookup(code)
    if found is None:
        choices = [r.code for r in registry.all_rules()] + [r.name for r in registry.all_rules()]
        covering = registry.covering_rules(code)
        if len(covering) == 1:
            # another linter's code that one rule covers: show that rule's documentation
            click.echo(f"reslint: `{code.strip()}` is another linter's code; reslint's {covering[0]} covers it",
                       err=True)
            found = registry.lookup(covering[0].split()[0])
        else:
            hint = registry.unknown_code_hint(code, choices) or "; `reslint rules` lists them all"
            raise _fail(f"unknown rule `{code}`{hint}")
    assert found is not None
    text = docs.rule_markdown(found)
    if fmt == "rich" or (fmt == "auto" and sys.stdout.isatty()):
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(text))
    else:
        click.echo(text, nl=False)


@main.command(name="rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text")
def rules_command(fmt: str) -> None:
    """List every rule: code, name, family, default on or opt-in, severity, fix."""
    from . import docs, registry

    rules = registry.all_rules()
    if fmt == "markdown":
        click.echo(docs.rules_table(rules), nl=False)
        return
    if fmt == "json":
        import json

        click.echo(json.dumps([
            {
                "code": r.code, "name": r.name, "family": r.family, "default": r.default_enabled,
                "severity": r.severity.value, "fix": r.fix_safety.value if r.fix_safety else None,
                "summary": docs.rule_summary(r),
            }
            for r in rules
        ], indent=2))
        return
    rows = [(r.code, r.name, r.family, "on" if r.default_enabled else "opt-in", r.severity.value,
             f"fix: {r.fix_safety.value}" if r.fix_safety else "") for r in rules]
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    for row in rows:
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())


@main.command(name="server")
def server_command() -> None:
    """Run the language server for editors (LSP over stdio); needs the `server` extra."""
    try:
        import lsprotocol.types  # noqa: F401
        import pygls.lsp.server  # noqa: F401
    except ImportError:
        raise _fail('the language server needs pygls: pip install "reslint[server]"')
    from .server import serve

    raise click.exceptions.Exit(serve())


if __name__ == "__main__":  # pragma: no cover
    main()
