"""RES203 non-idempotent-retry: a retry that repeats a POST or PATCH (reslint.analysis.idempotency)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Tuple

from reslint.analysis.http import NON_IDEMPOTENT
from reslint.analysis.idempotency import PUBLISH, Operations, generic_send
from reslint.analysis.retries import ALL_METHODS, Form, Retry
from reslint.model import Severity

from ._retries import RetryRule


@dataclass(frozen=True)
class Options:
    non_idempotent_calls: Tuple[str, ...] = field(
        default=(),
        metadata={"doc": "Qualified names of project callables that must not be repeated (they charge, "
                         "send or create something), e.g. `\"billing.gateway.charge\"`."},
    )
    idempotency_keys: Tuple[str, ...] = field(
        default=("Idempotency-Key", "X-Idempotency-Key"),
        metadata={"doc": "Header names that make a request safe to repeat. A request is also safe when "
                         "it passes an `idempotency_key=` argument (payment SDKs)."},
    )
    extra_retry_decorators: Tuple[str, ...] = field(
        default=(),
        metadata={"doc": "Project retry decorators, as for RES201; what they decorate is checked too."},
    )


class NonIdempotentRetry(RetryRule):
    """
    ## What it does
    Flags a retry, bounded or not, that repeats a non-idempotent operation with no idempotency
    key: an HTTP POST or PATCH through requests, httpx, aiohttp or urllib3 (`post()`, `patch()`,
    `request("POST", ...)`, `method="POST"`), or a callable listed in `non-idempotent-calls`. The
    operation may sit in the retried code or one or two calls away, in a function or method of the
    same module, with the method passed as a literal argument or assigned to a variable, or the
    request function itself held in a variable (`request_func = requests.post` in one branch).

    A loop over a retry object built elsewhere (`for attempt in self._retrying(): with attempt:`)
    counts as a retry of its `with` body, and a project retry helper handed a function of the file
    (`utils.retry(do, policy)`, `retry_call(send, ...)`) as a retry of that function (a nested
    function sends what its enclosing function was given). So does a retry object or decorator
    kept in a local or an attribute and applied later (`self._retry_obj =
    tenacity.Retrying(**args)` then `self._retry_obj(self.run)`; `self.retry_send = retry(...)`
    then `self.retry_send(self._send_once)`): what it repeats is that function.

    The method may come from the instance: `requests.Request(self.method, url)` where the class
    assigns `self.method` a POST or takes it from a constructor parameter defaulting to
    `"POST"`. The request function may be held in an attribute: `self._request(url, data=...)`,
    called from a function nested in the retrying one, where the instance was given the
    function by code of the module that picks `session.post` among others. A key the function stores on what it
    sends (`options.idempotency_key = ...`) makes the transport safe, unless the header it would
    go under is only ever None in the module (a dead key, named in the message).

    Also flags urllib3 `Retry` that allows every method (`allowed_methods=None` or `False`,
    `method_whitelist=False`) or names POST or PATCH, and aiohttp-retry options left with their
    default methods (POST and PATCH included). And the transport shape: a client's request
    function whose method or request is a parameter (`def perform_request(self, method, url)`,
    `def send(self, request)`, followed through `request = self._build_request(options)`), whose
    retry loop (or a method calling itself with its attempt number counted up, `return
    self.request(method, url, retries=retries + 1)`) re-sends it without ever looking at the
    method (a `Session` subclass whose `request` override re-sends through
    `super().request(method, url)` included). The transport's own request function (`def _send_request(self, request_dict,
    operation)`) that builds the request it sends from its parameters (`request =
    self.create_request(request_dict, operation)`, `req = Request(method=http_verb, url=url)`)
    and re-sends it, directly or through one or two helpers of the module (`self._get_response(request)`
    whose body calls `self._send(request)`), in a retry loop, including a loop with no `try` whose
    test asks a retry predicate (`while self._needs_retry(attempts, response, error):`). A
    GraphQL client (a module using graphql or gql) retrying `execute` of whatever request or
    document it is given: mutations are repeated with the queries.
    A urllib3 `Retry` subclass given `allowed_methods` with POST or PATCH. And a message publish
    (`publish`, `basic_publish` in a module using redis, pika, aio-pika, kombu, Kafka, NATS, MQTT
    or SNS) retried with no message id or deduplication id for consumers to drop the repeat, by a
    loop or by kombu's `connection.ensure(producer, producer.publish)`.

    ## Why is this bad?
    A request that timed out may still have reached the server and done its work; only the
    response was lost. Repeating a POST then creates a second order, sends a second email or
    charges the card twice. GET, HEAD, PUT, DELETE and OPTIONS are idempotent by definition and
    safe to repeat; POST and PATCH are not, unless the server deduplicates them by a key the
    client sends.

    ## Example
    ```python
    import requests
    from tenacity import retry, stop_after_attempt, wait_random_exponential

    @retry(stop=stop_after_attempt(3), wait=wait_random_exponential(max=10))
    def charge(order):
        return requests.post(PAYMENTS, json=order.payload(), timeout=10)
    ```

    ## Use instead
    ```python
    @retry(stop=stop_after_attempt(3), wait=wait_random_exponential(max=10))
    def charge(order):
        return requests.post(PAYMENTS, json=order.payload(), timeout=10,
                             headers={"Idempotency-Key": order.charge_key})
    ```
    The key must stay the same across the attempts of one operation (build it outside the retry,
    from the order), so that the server can recognise a repeat.

    Left alone: GET, HEAD, PUT, DELETE and OPTIONS; a transport whose retry checks the method
    (`if method not in IDEMPOTENT_METHODS: raise`, `self._is_method_retryable(request)`, or a
    helper asking whether the request only reads, `_is_read_retryable_request(request)`), or that
    goes round only when the server refused the request (rate-limit or expired-credential errors,
    a failed connect); a private transport (`def _connect(self, method, url)`) that every call in
    the module hands a safe method (`"GET"`, a local assigned `"GET"`, an override passing its
    own such `method` on, or a public `api_call(self, http_verb="GET")` handing on its default
    and given nothing else in the module); a request built or sent with a literal safe method
    (`session.request("GET", url, params=query)`, `Request(method="GET", url=url)`) or a URL
    re-opened (`urlopen(url)`), whatever else the function was given; an instance whose method
    attribute is only ever given safe methods; a GraphQL retry that tells mutations from
    queries (`if operation_type == OperationType.MUTATION: raise`); a request whose method cannot be told; a
    request or function that carries a header named in `idempotency-keys` or an
    `idempotency_key=` argument; urllib3 `Retry` with its default methods.

    ## Fix safety
    No fix: choosing and storing a key is a design decision.

    ## References
    - [RFC 9110, 9.2.2 Idempotent Methods](https://www.rfc-editor.org/rfc/rfc9110#section-9.2.2)
    - [IETF draft: The Idempotency-Key HTTP Header Field](https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/)
    - [Stripe: idempotent requests](https://docs.stripe.com/api/idempotent_requests)
    """

    code = "RES203"
    name = "non-idempotent-retry"
    severity = Severity.ERROR
    precision = "high"
    triggers = (
        (r"\b(?:while|for)\b", r"\bexcept\b", r"(?i)post|patch"),
        (r"\b(?:while|for)\b", r"\bexcept\b", r"(?i)method|request|options"),
        (r"(?i)retr|backoff|stamina", r"(?i)post|patch"),
        (r"allowed_methods|method_whitelist",),
        (r"aiohttp_retry",),
        (r"\b(?:while|for)\b", r"\bexcept\b", r"publish"),
        (r"\.ensure\(", r"publish"),
        (r"(?i)retr|attempt|tries", r"method|request"),
    )
    Options = Options

    @classmethod
    def option_triggers(cls, options):
        names = [spec.rsplit(".", 1)[-1] for spec in options.non_idempotent_calls if spec]
        groups = tuple((re.escape(name),) for name in names)
        return groups + super().option_triggers(options)

    def _operations(self) -> Operations:
        found = getattr(self, "_ops", None)
        if found is None:
            found = Operations(self.ctx, frozenset(self.options.non_idempotent_calls), frozenset(self.options.idempotency_keys))
            self._ops = found
        return found

    def check(self, retry: Retry) -> None:
        if retry.form in (Form.URLLIB3, Form.AIOHTTP_RETRY):
            if retry.methods:
                which = "every method" if ALL_METHODS in retry.methods else " and ".join(sorted(retry.methods))
                self.report(retry.node, f"{retry.label} retries {which}, including requests that are not "
                                        "idempotent; a retried POST can run twice on the server")
            return
        operation = self._operations().find(retry)
        if operation is None:
            send = generic_send(self.ctx, retry, frozenset(self.options.idempotency_keys))
            if send is None:
                return
            around = "retry loop" if send.through and retry.form == Form.LOOP else self.around(retry)
            through = f" (through `{send.through}`)" if send.through else ""
            if send.graphql:
                self.report(retry.node, f"{around} re-executes `{send.display}`{through} with whatever GraphQL "
                                        f"operation `{send.carrier}` holds, mutations included, and never tells them "
                                        "from queries; a retried mutation that reached the server runs twice")
            elif send.method:
                self.report(retry.node, f"{around} re-sends `{send.display}`{through} with `{send.carrier}`, a "
                                        f"{send.method} request, and no idempotency key; a retried {send.method} that "
                                        "reached the server runs twice")
            else:
                dead = (" (the idempotency key it generates is sent under no header: the header name is only "
                        "ever None)") if send.dead_key else ""
                self.report(retry.node, f"{around} re-sends `{send.display}`{through} with whatever method "
                                        f"`{send.carrier}` holds, POST included, and never checks it against the "
                                        f"idempotent methods{dead}; a retried POST that reached the server runs twice")
            return
        what = self.around(retry)
        if operation.what == PUBLISH:
            self.report(retry.node, f"{what} publishes again (`{operation.display}`) with no message id to "
                                    "deduplicate on; a message the broker took before the error is delivered twice")
        elif operation.what in NON_IDEMPOTENT:
            via = f", {operation.via}" if operation.via else ""
            self.report(retry.node, f"{what} repeats a {operation.what} (`{operation.display}`{via}) with no "
                                    "idempotency key; a retried request that reached the server runs twice")
        else:
            self.report(retry.node, f"{what} repeats `{operation.display}`, which is not idempotent; "
                                    "an attempt that timed out may already have run")
