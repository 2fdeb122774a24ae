"""RES101 on a module that imports requests in a list (`import json, requests`): the rule's
text trigger must let the file through wherever the module stands in the statement."""

import json, requests  # noqa: E401


def rates():
    return json.loads(requests.get("https://rates.example.com/v1/eur", timeout=10).text)  # expect: RES101
