"""The JSON API, /api/v1: the same use cases as the pages, for other systems and scripts.

Requests are validated against pydantic models and the OpenAPI 3.1 document is generated from the
same models by spectree (GET /api/v1/openapi.json). Every error has one shape:
`{"error": "<code>", "message": "<Chinese>", "problems": [...]}`.
"""

from __future__ import annotations

import json
from datetime import timedelta

from flask import Blueprint, g, jsonify, request
from spectree import Response, SecurityScheme, SpecTree
from spectree.models import SecureType, SecuritySchemeData

from ...extensions import csrf, db
from ...models import Community, Meeting, Role, StaffUser
from ...services import api_keys, meetings, ratelimit, staff
from ...services.errors import DomainError
from ..common import client_id
from .schemas import Error

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

JSON_LIMIT = 1024 * 1024  # bytes; household files (base64 in JSON) may use the app's MAX_CONTENT_LENGTH
BAD_KEYS_PER_10_MIN = 20


def _validation_error(req, resp, error, instance, *rest) -> None:
    """Give request validation errors the API's one error shape, naming each bad field."""
    if error is None:
        return
    problems = [f"{'.'.join(str(p) for p in e['loc']) or '请求体'}：{e['msg']}" for e in error.errors()]
    body = {"error": "invalid_input", "message": "请求内容不符合接口要求。", "problems": problems}
    resp.set_data(json.dumps(body, ensure_ascii=False))
    resp.mimetype = "application/json"


spec = SpecTree(
    "flask",
    title="小区居民会议选举与表决服务 API",
    version="1",
    description="Residents' meeting elections and votes. Staff endpoints need `Authorization: Bearer <key>` "
    "(voting api-key create USERNAME); casting a ballot is authorised by the ballot token alone.",
    page_templates={},  # no Swagger/Redoc pages: they load scripts from a CDN, and this runs on a LAN
    mode="strict",  # document the decorated API routes only, not the HTML pages
    path="api/v1/_spec",
    validation_error_status=400,
    validation_error_model=Error,
    before=_validation_error,
    naming_strategy=lambda model: model.__name__,
    security_schemes=[SecurityScheme(name="bearer", data=SecuritySchemeData(type=SecureType.HTTP, scheme="bearer"))],
    security={"bearer": []},
)

STAFF_ERRORS = {f"HTTP_{code}": Error for code in (400, 401, 403, 404, 409, 413, 422, 429)}
PUBLIC_ERRORS = {f"HTTP_{code}": Error for code in (400, 401, 404, 409, 413, 422, 429)}  # 401: a bad key sent anyway


def responses(anonymous: bool = False, **ok) -> Response:
    """Document the success responses given and every error the endpoint can answer with."""
    return Response(**(PUBLIC_ERRORS if anonymous else STAFF_ERRORS), **ok)


def error_response(status: int, code: str, message: str, problems=()):
    """Build the API's one error shape."""
    response = jsonify({"error": code, "message": message, "problems": [str(p) for p in problems]})
    response.status_code = status
    return response


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"


@bp.before_request
def _authenticate():
    """Identify the staff account of a Bearer key; refuse oversized bodies and key guessing."""
    if request.content_length and request.content_length > JSON_LIMIT and not request.path.endswith("/import"):
        return error_response(413, "too_large", f"请求体太大（最大 {JSON_LIMIT // 1024} KB）。")
    g.api_user = None
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    window = timedelta(minutes=10)
    if ratelimit.count_recent("bad_api_key", window, client=client_id()) >= BAD_KEYS_PER_10_MIN:
        return error_response(429, "too_many_attempts", "无效密钥尝试次数过多，请 10 分钟后再试。")
    scheme, _, key = header.partition(" ")
    user = api_keys.user_for_key(key.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        ratelimit.record("bad_api_key", client_id())
        db.session.commit()
        return error_response(401, "unauthenticated", "API 密钥无效或已撤销。")
    g.api_user = user
    return None


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError):
    return error_response(error.status, error.code, error.message, getattr(error, "problems", ()))


def current_staff() -> StaffUser:
    """Return the authenticated staff account or refuse with 401."""
    if g.get("api_user") is None:
        raise Unauthenticated("需要 API 密钥：请在请求头加 Authorization: Bearer <密钥>。")
    return g.api_user


def community_for(community_id: int, need: Role | None = None) -> Community:
    return staff.community_for(current_staff(), community_id, need=need)


def meeting_for(meeting_id: int, need: Role | None = None) -> Meeting:
    return meetings.meeting_for(current_staff(), meeting_id, need)


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document of this API, generated from the code."""
    return jsonify(spec.spec)


def wants_json() -> bool:
    """Tell whether an error outside a view (404, 405, 413) should be answered as JSON."""
    return request.path.startswith("/api/")


from . import ballots, communities, meeting_day, meetings_api, public  # noqa: E402, F401  (register routes)
