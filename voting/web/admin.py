"""Staff pages: the 小区 list and the household register."""

from __future__ import annotations

import math
from urllib.parse import quote

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..models import Role
from ..numbers import whole
from ..services import households, staff
from ..services.errors import DomainError, Forbidden, InvalidInput
from ..services.register_file import FIELDS
from .common import community_or_403

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _require_login():
    """Every staff page needs a login."""


@bp.get("/")
def index():
    """List the 小区 this account may see."""
    return render_template("admin/index.html", communities=staff.visible_communities(current_user))


@bp.post("/communities")
def create_community():
    """Create a 小区 (deployment admins only)."""
    if not (current_user.all_communities and current_user.role is Role.ADMIN):
        raise Forbidden("只有街道（全部小区）管理员有权限新建小区。")
    community = staff.create_community(request.form.get("name", ""), current_user)
    flash(f"已新建小区“{community.name}”。", "success")
    return redirect(url_for("admin.register", community_id=community.id))


@bp.get("/c/<int:community_id>/households")
def register(community_id: int):
    """Show and search the household register."""
    community = community_or_403(community_id)
    query = request.args.get("q", "")
    page = whole(request.args.get("page", "1"), low=1, high=100_000) or 1
    per_page = current_app.config["HOUSEHOLDS_PER_PAGE"]
    rows, total = households.search_households(community, query, page, per_page)
    return render_template(
        "admin/households.html",
        community=community,
        households=rows,
        total=total,
        query=query,
        page=page,
        pages=max(math.ceil(total / per_page), 1),
        mask_phone=current_user.role is Role.OBSERVER,
        can_edit=current_user.role is Role.ADMIN,
    )


@bp.route("/c/<int:community_id>/households/import", methods=["GET", "POST"])
def import_register(community_id: int):
    """Upload a register file; show every problem or the import summary."""
    community = community_or_403(community_id, need=Role.ADMIN)
    if request.method == "GET":
        return render_template("admin/import.html", community=community, fields=FIELDS)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template(
            "admin/import.html", community=community, fields=FIELDS, error="请选择要导入的文件。"
        ), 400
    try:
        report = households.import_households(
            community, upload.filename, upload.read(), current_user, update=bool(request.form.get("update"))
        )
    except InvalidInput as error:
        return (
            render_template(
                "admin/import.html",
                community=community,
                fields=FIELDS,
                error=error.message,
                problems=error.problems,
                filename=upload.filename,
            ),
            400,
        )
    flash(f"导入完成（{upload.filename}）：{report.summary()}", "success")
    return redirect(url_for("admin.register", community_id=community.id))


@bp.get("/c/<int:community_id>/households/export.<fmt>")
def export_register(community_id: int, fmt: str):
    """Download the register as CSV or xlsx (it holds names and phones: admins only)."""
    community = community_or_403(community_id, need=Role.ADMIN)
    data = households.export_households(community, fmt)
    mimetype = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"{community.name}-住户名册.{fmt}"

    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename=households.{fmt}; filename*=UTF-8''{quote(filename)}"},
    )


@bp.route("/c/<int:community_id>/households/<int:household_id>", methods=["GET", "POST"])
def edit_household(community_id: int, household_id: int):
    """Edit one household."""
    community = community_or_403(community_id, need=Role.ADMIN)
    household = households.get_household(community, household_id)
    if request.method == "POST":
        form = {field: request.form.get(field, "") for field in FIELDS}
        form["has_vote"] = "是" if request.form.get("has_vote") else "否"
        try:
            households.update_household(community, household_id, form, current_user)
        except DomainError as error:
            return (
                render_template(
                    "admin/household_edit.html",
                    community=community,
                    household=household,
                    form=form,
                    fields=FIELDS,
                    error=error.message,
                    problems=getattr(error, "problems", ()),
                ),
                error.status,
            )
        flash("已保存。", "success")
        return redirect(url_for("admin.register", community_id=community.id, q=request.args.get("q", "")))
    form = {field: getattr(household, field) for field in FIELDS}
    return render_template(
        "admin/household_edit.html", community=community, household=household, form=form, fields=FIELDS
    )
