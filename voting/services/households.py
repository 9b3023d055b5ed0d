"""Household register use cases: import, export, search, edit."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import and_, func, insert, or_, select

from ..extensions import db
from ..models import Community, Household, StaffUser
from . import log, use_case
from .errors import Conflict, InvalidInput, NotFound
from .register_file import FIELDS, HouseholdRow, Problem, parse_register, validate_fields, write_csv, write_xlsx

COMPARED = ("head_name", "phone", "area", "property_unit", "has_vote")


@dataclass(frozen=True)
class ImportReport:
    """What an import did: rows created, updated and left unchanged."""

    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        return f"共 {self.total} 户：新增 {self.created} 户，更新 {self.updated} 户，未变化 {self.unchanged} 户。"


def _differs(household: Household, row: HouseholdRow) -> list[str]:
    return [f for f in COMPARED if getattr(household, f) != getattr(row, f)]


@use_case
def import_households(
    community: Community,
    filename: str,
    data: bytes,
    actor: StaffUser | str,
    *,
    update: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import a register file into a 小区, all or nothing.

    A row whose address is already registered with the same details changes nothing, so
    importing the same file twice is harmless. A row whose address is registered with other
    details is an error unless `update` is set, in which case the household is updated.
    """
    rows = parse_register(filename, data, progress)
    existing = {
        (h.building, h.unit, h.room): h
        for h in db.session.execute(select(Household).where(Household.community_id == community.id)).scalars()
    }
    problems, new_rows, changed = [], [], []
    for row in rows:
        household = existing.get(row.key)
        if household is None:
            new_rows.append(row)
        elif diff := _differs(household, row):
            if update:
                changed.append((household, row))
            else:
                labels = "、".join(FIELDS[f][0] for f in diff)
                problems.append(
                    Problem(
                        row.line,
                        "",
                        "",
                        f"{household.address} 已在名册中，但{labels}不同（如要用文件内容更新，请勾选“更新已有住户”）",
                    )
                )
    if problems:
        raise InvalidInput(f"文件有 {len(problems)} 处与现有名册冲突，全部未导入。", problems)
    if new_rows:
        db.session.execute(
            insert(Household),
            [{"community_id": community.id, **{f: getattr(r, f) for f in FIELDS}} for r in new_rows],
        )
    for household, row in changed:
        for field in COMPARED:
            setattr(household, field, getattr(row, field))
    report = ImportReport(
        created=len(new_rows), updated=len(changed), unchanged=len(rows) - len(new_rows) - len(changed)
    )
    if report.created or report.updated:
        log.append(
            log.community_chain(community.id),
            actor,
            "households.import",
            community_id=community.id,
            file=filename,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
        )
    return report


def list_households(community: Community) -> list[Household]:
    """Return a 小区's households in address order."""
    return list(
        db.session.execute(
            select(Household)
            .where(Household.community_id == community.id)
            .order_by(Household.building, Household.unit, Household.room)
        ).scalars()
    )


def export_households(community: Community, fmt: str) -> bytes:
    """Export the register as 'csv' or 'xlsx' in the import format."""
    households = list_households(community)
    if fmt == "csv":
        return write_csv(households)
    if fmt == "xlsx":
        return write_xlsx(households)
    raise InvalidInput(f"不支持的导出格式：{fmt}（可选 csv 或 xlsx）")


def _address_filter(query: str):
    """Match '3-2-301', '3号楼2单元301', '301' or '3 301' against the address columns."""
    numbers = re.findall(r"\d+", query)
    if not numbers or len(numbers) > 3:
        return None
    if len(numbers) == 1:
        n = numbers[0]
        return or_(Household.building == n, Household.room == n)
    if len(numbers) == 2:
        b, n = numbers
        return and_(Household.building == b, or_(Household.unit == n, Household.room == n))
    b, u, r = numbers
    return and_(Household.building == b, Household.unit == u, Household.room == r)


def search_households(community: Community, query: str, page: int = 1, per_page: int = 50):
    """Search by address or 户主姓名; return (households on this page, total matches)."""
    where = [Household.community_id == community.id]
    query = query.strip()
    if query:
        matches = [Household.head_name.contains(query, autoescape=True)]
        if (address := _address_filter(query)) is not None:
            matches.append(address)
        where.append(or_(*matches))
    total = db.session.execute(select(func.count()).select_from(Household).where(*where)).scalar_one()
    rows = db.session.execute(
        select(Household)
        .where(*where)
        .order_by(Household.building, Household.unit, Household.room)
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    ).scalars()
    return list(rows), total


def get_household(community: Community, household_id: int) -> Household:
    """Load one household of this 小区 or raise NotFound."""
    household = db.session.get(Household, household_id)
    if household is None or household.community_id != community.id:
        raise NotFound("找不到该住户。")
    return household


@use_case
def update_household(community: Community, household_id: int, raw: dict[str, str], actor: StaffUser) -> Household:
    """Edit one household; raise InvalidInput naming each bad field."""
    household = get_household(community, household_id)
    clean, errors = validate_fields(raw)
    if errors:
        raise InvalidInput(
            "信息有误，未保存。",
            [Problem(0, "", FIELDS[f][0], reason) for f, reason in errors.items()],
        )
    key = (clean["building"], clean["unit"], clean["room"])
    if key != (household.building, household.unit, household.room):
        clash = db.session.execute(
            select(Household.id).where(
                Household.community_id == community.id,
                Household.building == key[0],
                Household.unit == key[1],
                Household.room == key[2],
            )
        ).first()
        if clash:
            raise Conflict("该地址已有住户登记，未保存。")
    changed = [f for f in FIELDS if getattr(household, f) != clean[f]]
    for field in changed:
        setattr(household, field, clean[field])
    if changed:
        # The log names the household and the fields, never personal values.
        log.append(
            log.community_chain(community.id),
            actor,
            "household.update",
            community_id=community.id,
            household=household.address,
            fields=[FIELDS[f][0] for f in changed],
        )
    return household
