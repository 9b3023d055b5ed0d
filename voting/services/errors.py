"""Domain errors. Views turn them into a page or a JSON error with a Chinese message."""

from __future__ import annotations


class DomainError(Exception):
    """A use case refused: `message` is Chinese and safe to show; `code` is for machines."""

    status = 422
    code = "rule_violation"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_attempts"


class InvalidInput(DomainError):
    """Input that cannot be used; `problems` lists every problem found, each with its place."""

    status = 400
    code = "invalid_input"

    def __init__(self, message: str, problems: list | None = None, *, code: str | None = None):
        super().__init__(message, code=code)
        self.problems = list(problems or [])


class RuleRefused(InvalidInput):
    """Well-formed input that a rule refuses (a minor nominee, too few candidates, a full proxy holder)."""

    status = 422
    code = "rule_violation"
