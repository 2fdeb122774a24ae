"""Inline suppressions of RES301: codes, names, noqa (an E722 noqa counts: same problem), file position rules."""

import subprocess


def git_revision():
    try:
        return subprocess.check_output(["git", "rev-parse", "HEAD"], timeout=5).decode().strip()
    except:  # reslint: ignore[RES301]
        return "unknown"


def git_branch():
    try:
        return subprocess.check_output(["git", "branch", "--show-current"], timeout=5).decode().strip()
    except:  # reslint: ignore[bare-except]
        return "unknown"


def git_dirty():
    try:
        return bool(subprocess.check_output(["git", "status", "--porcelain"], timeout=5))
    except:  # noqa: E722, RES301
        return False


def git_tag():
    try:
        return subprocess.check_output(["git", "describe", "--tags"], timeout=5).decode().strip()
    except:  # reslint: ignore
        return None


def git_author():
    try:
        return subprocess.check_output(["git", "log", "-1", "--format=%an"], timeout=5).decode().strip()
    except Exception:  # noqa: E501  # expect: RES301
        return None


def git_remote():
    try:
        return subprocess.check_output(["git", "remote", "get-url", "origin"], timeout=5).decode().strip()
    except Exception:  # reslint: ignore[RES302]  # expect: RES301
        return None


def git_root():
    try:  # reslint: ignore[RES301]
        return subprocess.check_output(["git", "rev-parse", "--show-toplevel"], timeout=5).decode().strip()
    except Exception:  # expect: RES301
        return None
