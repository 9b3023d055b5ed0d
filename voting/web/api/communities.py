"""API: 小区 and the household register."""

from __future__ import annotations

import base64
import binascii

from flask import Response, request
from spectree import Response as Doc

from ...models import Role
from ...services import households, staff
from ...services.errors import Forbidden, InvalidInput
from . import bp, community_for, current_staff, out, responses, spec
from . import schemas as s

TAGS = ["register"]


@bp.get("/communities")
@spec.validate(resp=responses(HTTP_200=s.CommunityList), tags=TAGS)
def list_communities():
    """List the 小区 this key's account may see."""
    return s.CommunityList(
        communities=[s.CommunityOut(id=c.id, name=c.name) for c in staff.visible_communities(current_staff())]
    )


@bp.post("/communities")
@spec.validate(json=s.CommunityIn, resp=responses(HTTP_201=s.CommunityOut), tags=TAGS)
def create_community():
    """Create a 小区 (deployment-wide admins only)."""
    user = current_staff()
    if not (user.all_communities and user.role is Role.ADMIN):
        raise Forbidden("只有街道（全部小区）管理员有权限新建小区。")
    community = staff.create_community(request.context.json.name, user)
    return s.CommunityOut(id=community.id, name=community.name), 201


@bp.get("/communities/<int:community_id>/households")
@spec.validate(query=s.HouseholdQuery, resp=responses(HTTP_200=s.HouseholdPage), tags=TAGS)
def list_households(community_id: int):
    """Search the register by address (3-2-301) or 户主姓名, 50 per page."""
    community = community_for(community_id)
    query = request.context.query
    rows, total = households.search_households(community, query.q, query.page, 50)
    masked = current_staff().role is Role.OBSERVER  # observers read the register, not the phone numbers
    return s.HouseholdPage(total=total, page=query.page, households=[out.household(h, masked) for h in rows])


@bp.post("/communities/<int:community_id>/households/import")
@spec.validate(json=s.ImportIn, resp=responses(HTTP_200=s.ImportOut), tags=TAGS)
def import_households(community_id: int):
    """Import a register file (CSV in UTF-8/BOM/GBK, or .xlsx, base64-encoded), all or nothing."""
    community = community_for(community_id, Role.ADMIN)
    body = request.context.json
    try:
        data = base64.b64decode(body.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("content_base64 不是有效的 Base64 编码。") from None
    report = households.import_households(community, body.filename, data, current_staff(), update=body.update)
    return s.ImportOut(created=report.created, updated=report.updated, unchanged=report.unchanged)


@bp.get("/communities/<int:community_id>/households/export")
@spec.validate(
    query=s.ExportQuery,
    resp=Doc(**{f"HTTP_{c}": s.Error for c in (400, 401, 403, 404, 413, 429)}, HTTP_200=None),
    tags=TAGS,
)
def export_households(community_id: int):
    """Download the register as CSV (UTF-8 with BOM) or .xlsx, in the import format."""
    community = community_for(community_id, Role.ADMIN)
    fmt = request.context.query.format
    mimetype = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    data = households.export_households(community, fmt)
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename=households.{fmt}"})


@bp.put("/communities/<int:community_id>/households/<int:household_id>")
@spec.validate(json=s.HouseholdIn, resp=responses(HTTP_200=s.HouseholdOut), tags=TAGS)
def update_household(community_id: int, household_id: int):
    """Replace one household's details (validated like an import row)."""
    community = community_for(community_id, Role.ADMIN)
    body = request.context.json.model_dump()
    body["has_vote"] = "是" if body["has_vote"] else "否"
    household = households.update_household(community, household_id, body, current_staff())
    return out.household(household)
