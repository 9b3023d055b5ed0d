"""Blueprints by audience, error pages and template helpers."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from ..core.explain import round_half_yuan, to_decimal
from ..extensions import db, login_manager
from ..models import StaffUser, format_address
from ..numbers import whole
from ..services.errors import DomainError
from ..timeutil import format_local
from .common import mask_phone


class BoundedInt(IntegerConverter):
    """Ids in URLs fit the databases' integer columns; a longer number matches no route (404).

    Bounded in the pattern, not with `max`: a value refused after matching would let a rule with
    another method answer 405 instead.
    """

    regex = r"\d{1,9}"


def qr_svg(data: str, size_mm: float = 30) -> str:
    """Draw a QR code for a template; ballots.qr (numpy) is imported on first use, not at start-up."""
    from ballots.qr import qr_svg as draw

    return draw(data, size_mm)


def register_web(app: Flask) -> None:
    """Attach blueprints, the login loader, error handlers and Jinja filters."""
    app.url_map.converters["int"] = BoundedInt
    app.json.ensure_ascii = False  # JSON errors in readable Chinese (UTF-8), like the API's other bodies
    from . import admin, api, auth, ballots_admin, meeting_day, meetings, public, vote

    for blueprint in (public.bp, vote.bp, auth.bp, admin.bp, meetings.bp, ballots_admin.bp, meeting_day.bp, api.bp):
        app.register_blueprint(blueprint)

    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str) -> StaffUser | None:
        return db.session.get(StaffUser, number) if (number := whole(user_id, low=1)) else None

    app.jinja_env.filters["local"] = format_local
    app.jinja_env.filters["mask_phone"] = mask_phone
    app.jinja_env.globals.update(
        format_address=format_address,
        fmt2=to_decimal,
        half=round_half_yuan,
        pairs=lambda values: [(v, v) for v in values],
        qr_svg=qr_svg,
    )

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        if api.wants_json():
            return api.error_response(error.status, error.code, error.message, getattr(error, "problems", ()))
        return error_page(error.status, error.message, getattr(error, "problems", ()))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_page(400, "页面已过期或缺少安全令牌（CSRF），操作未执行。请返回、刷新页面后重试。")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        message = HTTP_MESSAGES.get(error.code, error.description)
        if api.wants_json():
            response = api.error_response(error.code or 500, API_CODES.get(error.code, "http_error"), message)
            if error.code == 405 and error.valid_methods:
                response.headers["Allow"] = ", ".join(error.valid_methods)
            return response
        return error_page(error.code or 500, message)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unexpected error")
        if api.wants_json():
            return api.error_response(500, "internal_error", HTTP_MESSAGES[500])
        return error_page(500, HTTP_MESSAGES[500])

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


API_CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "too_many_attempts",
}
HTTP_MESSAGES = {
    400: "请求有误。",
    403: "您没有权限访问此页面。",
    404: "找不到此页面。",
    405: "不支持此操作方式。",
    413: "上传的文件太大。",
    429: "操作太频繁，请稍后再试。",
    500: "服务器出错了，请稍后再试或联系工作人员。",
}


def error_page(status: int, message: str, problems=()):
    """Render the Chinese error page with a status code."""
    return render_template(
        "error.html", status=status, message=message, problems=problems, referrer=request.referrer
    ), status
