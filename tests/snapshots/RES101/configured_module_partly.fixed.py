"""A module where one session gets a default timeout and another does not: a session handed in
as a parameter may be the bare one."""

from functools import partial

import requests


def timed_session(request_timeout: float) -> requests.Session:
    new = requests.Session()
    new.request = partial(new.request, timeout=request_timeout)  # type: ignore
    return new


def bare_session() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = "crawler"
    return session


def get_page(session: requests.Session, path: str) -> str:
    return session.get(f"https://www.example.com/{path}", timeout=10).text  # expect: RES101
