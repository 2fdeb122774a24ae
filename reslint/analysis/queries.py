"""Environment queries: calls (of the standard library, and tzlocal's) that read the machine, the user or the platform,
and whose failure means only "not available here".

`socket.gethostname()`, `getpass.getuser()`, `os.getlogin()`, `locale.getlocale()`, `tzlocal.get_localzone()`,
`importlib.metadata.version("pkg")`, `shutil.which("git")`, `platform.mac_ver()`, `os.stat(path)`
ask a question of the environment: when they raise, the answer is "there is none" (no login
name on a daemon, no such distribution installed, no such file), not a half-done operation.
Socket tuning is the same kind of thing: `sock.setsockopt(...)` asks the platform for an option
it may not have, and a failure leaves the platform's default; a broken socket fails at its next
real operation. A few methods are known by name because only sockets and files have them:
`ssl_sock.getpeercert()`, `sock.getpeername()`, `sock.getsockname()`, `sock.getsockopt(...)`,
`sock.setsockopt(...)`, `stream.isatty()`.

Functions are resolved through imports (`from socket import gethostname` included); nothing
here sends, writes or changes state that outlives the call, except `locale.setlocale`, which
only picks one of the locales the platform has.
"""

from __future__ import annotations

from typing import Optional

from ..lazycst import cst

from .names import ImportTable

# functions, by qualified name, that read the environment; a failure means "not available"
QUERY_FUNCTIONS = frozenset({
    # the machine and the user
    "socket.gethostname", "socket.getfqdn", "getpass.getuser", "os.getlogin", "os.getuid", "os.geteuid",
    "os.getgid", "os.getegid", "os.getgroups", "pwd.getpwuid", "pwd.getpwnam", "grp.getgrgid", "grp.getgrnam",
    "os.cpu_count", "os.sched_getaffinity", "os.getloadavg", "os.uname", "os.get_terminal_size",
    "shutil.get_terminal_size", "shutil.which", "sys.getwindowsversion",
    # the local time zone
    "tzlocal.get_localzone", "tzlocal.get_localzone_name",
    # the locale
    "locale.getlocale", "locale.getdefaultlocale", "locale.getpreferredencoding", "locale.getencoding",
    "locale.setlocale", "locale.nl_langinfo", "locale.localeconv",
    # installed distributions
    "importlib.metadata.version", "importlib.metadata.distribution", "importlib.metadata.metadata",
    "importlib_metadata.version", "importlib_metadata.distribution", "importlib_metadata.metadata",
    "pkg_resources.get_distribution",
    # the platform
    "platform.system", "platform.release", "platform.version", "platform.machine", "platform.node",
    "platform.platform", "platform.processor", "platform.architecture", "platform.uname",
    "platform.mac_ver", "platform.win32_ver", "platform.libc_ver", "platform.freedesktop_os_release",
    "platform.python_version", "platform.python_implementation",
    # whether a file is there, and what it is
    "os.stat", "os.lstat", "os.access", "os.path.getmtime", "os.path.getsize", "os.path.getatime",
    "os.path.getctime", "os.path.samefile",
})

# methods that only sockets (and ssl sockets) or files have: a query of the connection or the
# stream, or a socket option the platform may not offer
QUERY_METHODS = frozenset({"getpeercert", "getpeername", "getsockname", "getsockopt", "setsockopt", "isatty"})


def queries_environment(call: cst.Call, imports: Optional[ImportTable]) -> bool:
    """`socket.gethostname()`, `importlib.metadata.version("pkg")`, `sock.setsockopt(...)`,
    `ssl_sock.getpeercert()`: a call that asks the environment a question, whose failure means
    "not available" (see the module docstring)."""
    func = call.func
    if imports is not None and imports.resolve(func) in QUERY_FUNCTIONS:
        return True
    return isinstance(func, cst.Attribute) and func.attr.value in QUERY_METHODS
