"""REST errors the emulator raises and serialises as ``{"error", "error_description"}``."""

from __future__ import annotations

from typing import Any


class RestError(Exception):
    """An error answer: HTTP status, ``error`` code (string or int) and description."""

    def __init__(
        self, status: int, code: str | int, description: str, time: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.code = code
        self.description = description
        self.time = time  # only OPERATION_TIME_LIMIT answers carry one

    def body(self) -> dict[str, Any]:
        """Return the JSON error envelope."""
        body: dict[str, Any] = {"error": self.code, "error_description": self.description}
        if self.time is not None:
            body["time"] = self.time
        return body


def business(description: str) -> RestError:
    """A controller business error: HTTP 400, ``error`` 0."""
    return RestError(400, 0, description)


def missing_param(name: str) -> RestError:
    """A parameter-binding error for an absent argument (code 100)."""
    return RestError(400, 100, f"Could not find value for parameter {{{name}}}")


def wrong_type(value: Any, name: str, kind: str) -> RestError:
    """A parameter-binding error for a value of the wrong type (code 100)."""
    text = value if isinstance(value, str) else _php_string(value)
    return RestError(
        400,
        100,
        f"Invalid value {text} to match with parameter {{{name}}}. Should be value of type {kind}.",
    )


def _php_string(value: Any) -> str:
    if value is True:
        return "1"
    if value is False or value is None:
        return ""
    if isinstance(value, (list, dict)):
        return "Array"
    return str(value)


INVALID_CREDENTIALS = ("INVALID_CREDENTIALS", "Invalid request credentials")
NO_AUTH_FOUND = ("NO_AUTH_FOUND", "Wrong authorization data")
INSUFFICIENT_SCOPE = (
    "insufficient_scope",
    "The request requires higher privileges than provided by the webhook token",
)
METHOD_NOT_FOUND = ("ERROR_METHOD_NOT_FOUND", "Method not found!")
QUERY_LIMIT = ("QUERY_LIMIT_EXCEEDED", "Too many requests")
OPERATION_LIMIT = ("OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.")
BATCH_NOT_ALLOWED = ("ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage")
BATCH_TOO_LONG = ("ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded")


def auth_error(pair: tuple[str, str]) -> RestError:
    """An authorisation-stage error (HTTP 401)."""
    return RestError(401, pair[0], pair[1])
