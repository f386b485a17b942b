"""The REST error bodies a real org answers with (a list of `{message, errorCode}`)."""

from __future__ import annotations

from starlette.responses import JSONResponse

SESSION_INVALID = "Session expired or invalid"


def rest_error(status: int, error_code: str, message: str) -> JSONResponse:
    return JSONResponse([{"message": message, "errorCode": error_code}], status_code=status)


def invalid_session() -> JSONResponse:
    return rest_error(401, "INVALID_SESSION_ID", SESSION_INVALID)


def limit_exceeded() -> JSONResponse:
    return rest_error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")


def not_found() -> JSONResponse:
    return rest_error(404, "NOT_FOUND", "The requested resource does not exist")


def server_unavailable(status: int) -> JSONResponse:
    return rest_error(
        status, "SERVER_UNAVAILABLE", "The server is temporarily unavailable (injected fault)."
    )
