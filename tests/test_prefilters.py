"""The stdlib-ast prefilters (`Rule.is_ast_candidate`) keep files that cannot hold a finding off
libcst. Their soundness is checked on every fixture by test_rules.test_triggers_are_sound (and on
whole corpora by hand, see the commit notes); these tests pin down that they are sharp enough to
matter: the everyday shapes that are not findings must be filtered out."""

from __future__ import annotations

import ast
import os
import textwrap

import pytest

from reslint import registry
from reslint.project import build


def _rule(code):
    return next(rule for rule in registry.all_rules() if rule.code == code)


def _candidate(code, source, project=None):
    text = textwrap.dedent(source)
    rule = _rule(code)
    options = rule.Options() if getattr(rule, "Options", None) else None
    tree = ast.parse(text)
    if rule.scope == "project":
        return rule.is_ast_candidate(tree, text, options, project=project)
    return rule.is_ast_candidate(tree, text, options)


@pytest.mark.parametrize("source,expected", [
    ("for item in items:\n    try:\n        use(item)\n    except KeyError:\n        continue\n", False),
    ("while node is not None:\n    try:\n        node = node.next\n    except AttributeError:\n        raise\n", False),
    ("for attempt in range(3):\n    try:\n        return call()\n    except OSError:\n        pass\n", True),
    ("for _ in items:\n    try:\n        return call()\n    except OSError:\n        pass\n", True),
    ("from itertools import count as forever\nfor n in forever():\n    try:\n        return call()\n"
     "    except OSError:\n        pass\n", True),
    ("for attempt in policy():\n    with attempt:\n        call()\n", True),
    ("while True:\n    try:\n        call()\n    except OSError:\n        if bad:\n            continue\n        raise\n",
     True),
])
def test_retry_loop_prefilter(source, expected):
    assert _candidate("RES201", source) is expected


@pytest.mark.parametrize("code,source,expected", [
    ("RES101", "import socket\nname = socket.gethostname()\n", False),
    ("RES101", "import socket\nsock = socket.create_connection(addr)\n", True),
    ("RES101", "from requests import Session as S\ns = S()\ns.get(url)\n", True),
    ("RES101", "from .sessions import Session\nSession().get(url)\n", True),  # a package named requests
    ("RES101", "import socket\nvalue = cache.get(key)\n", False),
    ("RES101", "import requests\nvalue = cache.get(key)\n", False),  # no Session made or declared
    ("RES101", "import requests\nclass C:\n    def __init__(self):\n        self.http = requests.Session()\n"
               "    def f(self):\n        self.http.get(url)\n", True),
    ("RES101", "import requests\ndef f(http: 'requests.Session'):\n    http.get(url)\n", True),
    ("RES101", "import requests\ndef f(http: requests.Session):\n    http.get(url)\n", True),
    ("RES103", "import subprocess\nsubprocess.Popen(cmd).wait()\n", True),
    ("RES103", "import threading\nlock = threading.Lock()\nitems.get()\n", False),
    ("RES501", "import aiohttp\nasync def f():\n    session = aiohttp.ClientSession()\n    session.get(url)\n", True),
    ("RES501", "import aiohttp\nasync def f(session: aiohttp.ClientSession, request):\n    await session.get(url)\n"
               "    value = request.headers.get('x')\n    key = ''.join(parts)\n", False),
    ("RES503", "async def f(d):\n    return d.get('x')\n", False),
    ("RES503", "import requests\nasync def f():\n    return requests.get(url)\n", True),
    ("RES503", "import requests\ndef f():\n    return requests.get(url)\n", False),
    ("RES503", "import time\nasync def f():\n    await loop.run_in_executor(None, time.sleep, 1)\n", False),
    ("RES503", "async def f(path):\n    return path.read_text()\n", True),
    ("RES402", "import functools\nclass A:\n    @functools.lru_cache\n    def m(self):\n        pass\n", True),
    ("RES402", "import functools\n@functools.lru_cache\ndef f(x):\n    pass\n", False),
    # RES303: a clause that may catch cancellation, in an `async def`, around a `try` that suspends
    ("RES303", "import asyncio\nasync def f():\n    try:\n        await g()\n    except asyncio.CancelledError:\n"
               "        pass\n", True),
    ("RES303", "from asyncio import CancelledError as Stop\nasync def f():\n    try:\n        await g()\n"
               "    except (OSError, Stop):\n        return\n", True),
    ("RES303", "async def f():\n    try:\n        async with lock:\n            pass\n    except:\n        log()\n", True),
    ("RES303", "import asyncio\nasync def f():\n    try:\n        await g()\n    except asyncio.CancelledError:\n"
               "        log()\n        raise\n", False),  # re-raised
    ("RES303", "import asyncio\nasync def f():\n    try:\n        g()\n    except asyncio.CancelledError:\n"
               "        pass\n", False),  # the `try` never suspends
    ("RES303", "import asyncio\nasync def f():\n    def cb():\n        try:\n            h()\n        except BaseException:\n"
               "            pass\n    await g(cb)\n", False),  # a sync function nested in the coroutine
    ("RES303", "async def f():\n    try:\n        await g()\n    except Exception:\n        pass\n", False),
    # RES502: a task or gathered future dropped, or bound to a name the function never reads again
    ("RES502", "import asyncio\nasync def f():\n    asyncio.create_task(g())\n", True),
    ("RES502", "async def f(loop):\n    loop.create_task(g())\n", True),
    ("RES502", "from asyncio import gather\nasync def f():\n    done = gather(a(), b())\n", True),
    ("RES502", "import asyncio\nasync def f():\n    task = asyncio.create_task(g())\n    tasks.add(task)\n", False),
    ("RES502", "import asyncio\nasync def f():\n    await asyncio.gather(a(), b())\n", False),
    ("RES502", "import asyncio\nTASK = asyncio.ensure_future(g())\n", False),  # a module-level name
])
def test_table_prefilters(code, source, expected):
    assert _candidate(code, source) is expected


@pytest.fixture
def project(tmp_path):
    def make(store_save_async: bool):
        root = tmp_path / ("a" if store_save_async else "s")
        (root / "pkg").mkdir(parents=True)
        (root / "pkg" / "__init__.py").write_text("")
        kind = "async def" if store_save_async else "def"
        (root / "pkg" / "store.py").write_text(
            f"class Store:\n    {kind} save(self):\n        pass\n\n    async def load(self):\n        pass\n\n"
            "class Cache:\n    def get(self, key):\n        pass\n\n"
            "store = Store()\n\ndef get_store() -> Store:\n    return store\n\nasync def helper():\n    pass\n")
        files = [(str(p), os.path.relpath(p, root)) for p in root.rglob("*.py")]
        return build(str(root), files, use_cache=False)
    return make


@pytest.mark.parametrize("source,sync_expected,async_expected", [
    # a local bound to a class whose method is or is not a coroutine function
    ("from pkg.store import Store\ndef f():\n    store = Store()\n    store.save()\n", False, True),
    # a method of the same name on another class: never a coroutine
    ("from pkg.store import Cache\ndef f():\n    cache = Cache()\n    cache.save()\n", False, False),
    # a receiver the resolver cannot follow (an unannotated parameter)
    ("def f(store):\n    store.save()\n", False, False),
    ("from pkg.store import Store\ndef f(store: Store):\n    store.save()\n", False, True),
    ("def f(d):\n    if d.get('x'):\n        pass\n", False, False),
    # a dotted path through a module of the project
    ("import pkg.store\ndef f():\n    pkg.store.Store().save()\n", False, True),
    ("import pkg\ndef f():\n    pkg.store.helper()\n", True, True),
    # an imported module-level instance, and what an imported function declares it returns
    ("from pkg.store import store\ndef f():\n    store.save()\n", False, True),
    ("from pkg.store import get_store\ndef f():\n    get_store().save()\n", False, True),
    ("from pkg.store import Cache\ndef f():\n    Cache().save()\n", False, False),
    # a parameter that shadows an import: its annotation decides
    ("from pkg.store import Cache as store, Store\ndef f(store: Store):\n    store.save()\n", False, True),
    # annotations read as the resolver reads them: a wrapped class counts, an unreadable one declares nothing
    ("from typing import Optional\nfrom pkg.store import Store\ndef f(store: Optional[Store]):\n    store.save()\n",
     False, True),
    ("from pkg.store import Store\ndef f(store: 'Store | None'):\n    store.save()\n", False, True),
    ("from pkg.store import Store\ndef f(stores: list[Store]):\n    stores.save()\n", False, False),
    # `self` in a method of a class nested in a function: its class may define the coroutine
    ("def outer():\n    class Local:\n        async def save(self):\n            pass\n        def run(self):\n"
     "            self.save()\n    return Local\n", True, True),
])
def test_unawaited_coroutine_prefilter(project, source, sync_expected, async_expected):
    assert _candidate("RES501", source, project(False)) is sync_expected
    assert _candidate("RES501", source, project(True)) is async_expected
