"""RES603 orm-check-then-act: a row looked up, then inserted or read-modified-saved on the answer
(recognised by reslint.analysis.orm)."""

from __future__ import annotations


from reslint.lazycst import cst

from reslint.analysis.orm import (
    ast_orm_candidate,
    catches_does_not_exist,
    class_helpers,
    function_inserts,
    function_orm,
    handles_integrity_error,
    insert,
    locks_before,
    lookup,
    lost_update,
    makes_another_row,
    runs_once,
    test_lookup,
    unwind,
    FETCH_ONE,
)
from reslint.analysis.programs import migrate_hook
from reslint.analysis.races import enclosing_function, guarded_region, walk_ordered
from reslint.analysis.scopes import innermost_class
from reslint.model import Severity
from reslint.rule import Rule

_UNIQUE = ("let a unique constraint decide: `get_or_create()` / `update_or_create()`, or catch `IntegrityError` "
           "around the insert and read the winner's row")


class OrmCheckThenAct(Rule):
    """
    ## What it does
    Flags a database check followed by an act that relies on its answer:
    - Django `Model.objects.filter(...).exists()` (or `.first()`, `.count()`, a queryset's
      truth value, a related manager's `filter`) then `Model.objects.create(...)` or
      `Model(...).save()` of the same model in the code the check decides;
    - `get()` in a `try` whose `except Model.DoesNotExist` handler inserts (`create`, `save`);
    - a row fetched without `select_for_update()` (`get`, `first`, `qs[0]`, a loop over a
      queryset) whose field is read, modified and `save()`d without `F()` (a lost update);
    - SQLAlchemy `session.query(Model)...first()` (also through a helper method of the same class
      that returns such a query) then `session.add(Model(...))` when nothing was found.

    ## Why is this bad?
    Between the query and the write, another request can do the same query and get the same
    answer. Two requests then both insert the "missing" row (a duplicate, or an
    `IntegrityError` nobody handles), or both add one to the counter they read and the second
    save overwrites the first: the classic "two transactions read the same balance, both pass
    validation, both deduct".

    ## Example
    ```python
    def use_nonce(server_url, salt):
        try:
            Nonce.objects.get(server_url=server_url, salt=salt)
        except Nonce.DoesNotExist:
            Nonce.objects.create(server_url=server_url, salt=salt)
            return True
        return False
    ```

    ## Use instead
    ```python
    def use_nonce(server_url, salt):
        _, created = Nonce.objects.get_or_create(server_url=server_url, salt=salt)
        return created
    ```
    with a unique constraint on the looked-up fields; and for counters,
    `Line.objects.filter(pk=pk).update(quantity=F("quantity") + 1)`, or re-read the row with
    `select_for_update()` inside `transaction.atomic()`.

    Left alone: a lookup by primary key followed by a `create` that passes no key (the new row
    is another row); Django migration modules and receivers of the `pre_migrate` /
    `post_migrate` signals (they run once, from `migrate`) and command-line programs (a
    management command, a script: one process); `get_or_create`, `update_or_create`,
    `bulk_create` (with `ignore_conflicts`); an
    insert inside a `try` that catches `IntegrityError` (a unique constraint does the work);
    `F()` updates; rows fetched with `select_for_update()` (or SQLAlchemy `with_for_update()`), or
    with a project lookup asked to lock (`get_current(for_update=True)`); a check made after the
    function has locked a row with `select_for_update()` (an order locked, then its payments
    checked: concurrent requests on that row wait for each other before the check);
    `create` methods of other objects (an API client's `cls.create`); lookups and inserts of
    different models.

    ## Known limitations
    Models are matched by how they are written (`Page`, `cls`, `self.lines`), not by type, and
    calls are not followed except a same-class helper that returns a SQLAlchemy query. A
    uniqueness check that feeds a computed value (a free slug) is not recognised. Whether a
    unique constraint backs the insert is not known, so a duplicate that the database would
    refuse is still reported when no handler catches the refusal.

    ## References
    - [Django: `get_or_create()`](https://docs.djangoproject.com/en/stable/ref/models/querysets/#get-or-create)
    - [Django: avoiding race conditions using `F()`](https://docs.djangoproject.com/en/stable/ref/models/expressions/#avoiding-race-conditions-using-f)
    - [Django: `select_for_update()`](https://docs.djangoproject.com/en/stable/ref/models/querysets/#select-for-update)
    - [SQLAlchemy: `Session.merge` and unique objects](https://docs.sqlalchemy.org/en/20/orm/session_state_management.html#merging)
    """

    code = "RES603"
    name = "orm-check-then-act"
    family = "races"
    severity = Severity.WARNING
    # an insert or a save, and something that looks a row up
    triggers = ((r"\.\s*(?:create|save|add)\s*\(",
                 r"objects|DoesNotExist|_manager|query|session|\.\s*(?:filter|get|first|last|exists|count)\b"),)

    @classmethod
    def is_ast_candidate(cls, tree, text, options=None) -> bool:
        return ast_orm_candidate(tree, text)

    def _reported(self):
        return self.ctx.memo(OrmCheckThenAct, set)

    def _facts(self):
        func = enclosing_function(self.ctx.stack)
        if func is None or not function_inserts(self.ctx, func) or runs_once(self.ctx) or migrate_hook(self.ctx, func):
            return None, None, None
        cls = innermost_class(self.ctx.stack)
        return func, function_orm(self.ctx, func, cls), class_helpers(self.ctx, cls)

    def _report_once(self, node: cst.CSTNode, message: str) -> None:
        seen = self._reported()
        if id(node) in seen:
            return
        seen.add(id(node))
        self.report(node, message)

    def visit_Try(self, node: cst.Try) -> None:
        handlers = [h for h in node.handlers if catches_does_not_exist(h)]
        if not handlers:
            return
        func, facts, helpers = self._facts()
        if facts is None:
            return
        fetch = None
        for inner, _ in walk_ordered(node.body):
            if isinstance(inner, cst.Call):
                found = lookup(inner, helpers)
                if found is not None and unwind(inner)[1][-1][0] in FETCH_ONE:
                    fetch = found
                    break
        if fetch is None or fetch.locking or locks_before(func, node):
            return
        for handler in handlers:
            for inner, ancestors in walk_ordered(handler.body):
                if not isinstance(inner, cst.Call):
                    continue
                made = insert(inner, facts.built, facts.querysets)
                if made is None:
                    continue
                if handles_integrity_error(self.ctx, list(self.ctx.stack) + [handler] + list(ancestors), inner) \
                        or makes_another_row(fetch, made):
                    continue
                if made.key is not None and made.key != fetch.key and not fetch.key.startswith("self."):
                    continue  # another model's row (a related manager's fetch may insert its through row)
                self._report_once(inner, (
                    f"`{fetch.shown}` found no row, then `{made.shown}` inserts one in the `DoesNotExist` handler: "
                    f"two requests can both miss and both insert; {_UNIQUE}"))
                return

    def visit_If(self, node: cst.If) -> None:
        func, facts, helpers = self._facts()
        if facts is None:
            return
        found = test_lookup(node.test, facts, helpers)
        if found is None or found.locking or locks_before(func, node):
            return
        for part in guarded_region(node, self.ctx.stack):
            for inner, ancestors in walk_ordered(part):
                if not isinstance(inner, cst.Call):
                    continue
                made = insert(inner, facts.built, facts.querysets)
                if made is None or made.key != found.key or makes_another_row(found, made):
                    continue
                if handles_integrity_error(self.ctx, list(self.ctx.stack) + list(ancestors), inner):
                    return
                self._report_once(inner, (
                    f"`{found.shown}` is checked, then `{made.shown}` inserts a `{found.key}` row on its answer: "
                    f"another request can insert the same row in between; {_UNIQUE}"))
                return

    def _lost_update(self, node: cst.CSTNode, target, value, augmented: bool) -> None:
        if not isinstance(target, cst.Attribute) or not isinstance(target.value, cst.Name):
            return
        if not augmented and not isinstance(value, (cst.BinaryOperation, cst.Call)):
            return
        func, facts, helpers = self._facts()
        if facts is None:
            return
        position = facts.order.get(id(node))
        if position is None:
            return
        found = lost_update(target, value, augmented, facts, position)
        if found is None:
            return
        row, field, source = found
        self._report_once(node, (
            f"`{row}.{field}` is read from `{source.shown}`, modified and saved with `{row}.save()`: a concurrent "
            f"update of the same row is overwritten; write `F(\"{field}\")` arithmetic (or `.update()`), or fetch "
            f"the row with `select_for_update()` inside `transaction.atomic()`"))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.operator, (cst.AddAssign, cst.SubtractAssign, cst.MultiplyAssign)):
            self._lost_update(node, node.target, node.value, True)

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1:
            self._lost_update(node, node.targets[0].target, node.value, False)
