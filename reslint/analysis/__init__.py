"""Shared semantics for rules: names, scopes, exception handlers. No rule logic here."""
