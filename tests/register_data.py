"""Register files for tests, in every encoding and format staff will upload."""

from __future__ import annotations

import io

from openpyxl import Workbook

HEADER = ["楼号", "单元", "室号", "户主姓名", "联系电话", "建筑面积", "产权单位", "是否有表决权"]


def rows(n: int, start_building: int = 1) -> list[list[str]]:
    """Make n valid rows: 8 rooms per unit, 3 units per building."""
    out = []
    for i in range(n):
        building = start_building + i // 24
        unit = (i // 8) % 3 + 1
        room = f"{(i % 8) // 2 + 1}0{i % 2 + 1}"
        out.append(
            [str(building), str(unit), room, f"住户{i:05d}", f"139{i:08d}", f"{60 + i % 40}.{i % 100:02d}", "", "是"]
        )
    return out


def csv_text(body: list[list[str]], header: list[str] = HEADER) -> str:
    return "\r\n".join(",".join(r) for r in [header, *body]) + "\r\n"


def csv_bytes(body: list[list[str]], encoding: str = "utf-8", header: list[str] = HEADER) -> bytes:
    """Encode as 'utf-8', 'utf-8-sig' (BOM, as Excel's CSV UTF-8 writes) or 'gbk'."""
    return csv_text(body, header).encode(encoding)


def xlsx_bytes(body: list[list], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for r in body:
        sheet.append(r)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
