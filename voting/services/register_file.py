"""Read and write household register files (CSV in UTF-8/BOM/GBK, and .xlsx).

Parsing is all-or-nothing: every bad row is reported with its line, column and reason in
Chinese, and nothing is returned for storage unless the whole file is good.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .errors import InvalidInput

# Canonical field → (Chinese header, accepted aliases). Aliases are compared after
# normalize_header (spaces and bracketed units removed, lower case).
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "building": ("楼号", ("楼号", "楼栋", "楼栋号", "楼", "building", "bldg")),
    "unit": ("单元", ("单元", "单元号", "unit", "entrance")),
    "room": ("室号", ("室号", "房号", "门牌号", "房间号", "room")),
    "head_name": ("户主姓名", ("户主姓名", "户主", "姓名", "head_name", "name", "head")),
    "phone": ("联系电话", ("联系电话", "电话", "手机", "手机号", "phone", "tel")),
    "area": ("建筑面积", ("建筑面积", "面积", "area")),
    "property_unit": ("产权单位", ("产权单位", "property_unit", "owner_unit")),
    "has_vote": ("是否有表决权", ("是否有表决权", "表决权", "有无表决权", "has_vote", "eligible", "vote")),
}
REQUIRED = ("building", "room", "head_name", "area")
HEADERS = [label for label, _ in FIELDS.values()]

MAX_AREA = Decimal("10000")
YES = {"是", "有", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "无", "n", "no", "false", "0", "×", "✗"}
MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"(0\d{2,3}-?)?[2-9]\d{6,7}(-\d{1,6})?")


@dataclass(frozen=True)
class HouseholdRow:
    """One validated register row; `line` is where it stood in the file."""

    line: int
    building: str
    unit: str
    room: str
    head_name: str
    phone: str
    area: Decimal
    property_unit: str
    has_vote: bool

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.building, self.unit, self.room)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, with where it is."""

    line: int
    column: str  # "第 6 列" for CSV, "F 列" for xlsx, "" for a whole-line problem
    field: str  # Chinese header, or ""
    message: str

    def __str__(self) -> str:
        where = f"第 {self.line} 行" if self.line else ""
        if self.column:
            where += f"，{self.column}"
        if self.field:
            where += f"「{self.field}」"
        return f"{where}：{self.message}" if where else self.message


def normalize_header(text: str) -> str:
    """Drop spaces, BOMs and bracketed units such as （㎡） from a header cell."""
    text = str(text or "").replace("\ufeff", "").strip()
    text = re.sub(r"[（(\[【].*?[)）\]】]", "", text)
    return re.sub(r"\s+", "", text).lower()


_ALIASES = {alias: field for field, (_, aliases) in FIELDS.items() for alias in aliases}


def decode_csv(data: bytes) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else GBK/GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InvalidInput(
                "文件以 UTF-16 标记开头，但内容无法按 UTF-16 解码：请重新另存为 CSV 或 .xlsx。"
            ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312, which Excel on Chinese Windows writes.
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            "无法识别文件编码：请在 Excel 中另存为“CSV UTF-8”或 GBK 编码的 CSV，或直接上传 .xlsx 文件。",
            [Problem(0, "", "", f"第 {exc.start + 1} 个字节无法按 UTF-8 或 GBK 解码")],
        ) from None


def column_letter(number: int) -> str:
    """Name a spreadsheet column as Excel does: 1 → A, 26 → Z, 27 → AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_text(value) -> str:
    """Turn a cell (str, int, float from Excel, None) into stripped text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        # Excel stores 301 as 301.0 and 72.35 as the double nearest to it; repr round-trips.
        return repr(value)[:-2] if value.is_integer() else repr(value)
    return str(value).strip()


def _csv_records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, cells) for each CSV record, sniffing , ; or tab."""
    first = text.split("\n", 1)[0]
    delimiter = max([",", "\t", ";"], key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, cells) from the first sheet of an .xlsx workbook."""
    from openpyxl import load_workbook  # ~28 MB: loaded only when an .xlsx arrives

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged or non-xlsx file
        raise InvalidInput("无法读取 Excel 文件：请确认是 .xlsx 格式（不支持旧的 .xls，请另存为 .xlsx）。") from None
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(v) for v in row]
    finally:
        workbook.close()


def read_records(filename: str, data: bytes) -> tuple[Iterator[tuple[int, list[str]]], bool]:
    """Return the file's records and whether columns are named by letter (xlsx)."""
    if filename.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        return _xlsx_records(data), True
    if filename.lower().endswith(".xls"):
        raise InvalidInput("不支持旧的 .xls 格式：请在 Excel 中另存为 .xlsx 或 CSV。")
    return _csv_records(decode_csv(data)), False


def _map_header(line: int, cells: list[str]) -> dict[str, int]:
    """Map canonical fields to column indexes; report unknown duplicates and missing columns."""
    mapping: dict[str, int] = {}
    problems = []
    for index, cell in enumerate(cells):
        field = _ALIASES.get(normalize_header(cell))
        if field is None:
            continue
        if field in mapping:
            problems.append(Problem(line, f"第 {index + 1} 列", cell, f"与第 {mapping[field] + 1} 列重复"))
        mapping[field] = index
    for field in REQUIRED:
        if field not in mapping:
            label = FIELDS[field][0]
            problems.append(Problem(line, "", label, "缺少此列（表头应包含：" + "、".join(HEADERS) + "）"))
    if problems:
        raise InvalidInput("表头不正确，文件未导入。", problems)
    return mapping


_SUFFIXES = {"building": ("号楼", "号", "栋", "幢"), "unit": ("单元",), "room": ("室", "号")}


def normalize_address_part(field: str, text: str) -> str:
    """Store '3号楼' as '3' so that both spellings are one address."""
    text = text.strip()
    for suffix in _SUFFIXES.get(field, ()):
        if text.endswith(suffix) and text[: -len(suffix)].isdigit():
            return text[: -len(suffix)]
    return text


def parse_area(text: str) -> Decimal:
    """Parse 建筑面积: a number > 0 with at most two decimals; raise ValueError with the reason."""
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"必须是数字（现为“{text}”）") from None
    if not value.is_finite() or value <= 0:
        raise ValueError(f"必须大于 0（现为“{text}”）")
    if value.as_tuple().exponent < -2 and value != value.quantize(Decimal("0.01")):
        raise ValueError(f"最多两位小数（现为“{text}”）")
    if value > MAX_AREA:
        raise ValueError(f"超过 {MAX_AREA} ㎡，请核对（现为“{text}”）")
    return value.quantize(Decimal("0.01"))


def parse_phone(text: str) -> str:
    """Normalise a phone number (mobile or landline); '' stays ''; raise ValueError if malformed."""
    compact = re.sub(r"[\s()（）]", "", text).replace("—", "-").replace("－", "-")
    if compact.startswith("+86"):
        compact = compact[3:]
    if not compact or MOBILE.fullmatch(compact) or LANDLINE.fullmatch(compact):
        return compact
    raise ValueError(f"应为 11 位手机号或座机号（现为“{text}”）")


def parse_has_vote(text: str) -> bool:
    """Read 是否有表决权: blank means yes."""
    value = text.strip().lower()
    if value == "" or value in YES:
        return True
    if value in NO:
        return False
    raise ValueError(f"应填“是”或“否”（现为“{text}”）")


_LIMITS = {"building": 20, "unit": 20, "room": 20, "head_name": 50, "property_unit": 100}


def validate_fields(raw: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """Validate one household's fields; return (clean values, {field: reason})."""
    clean: dict = {}
    errors: dict[str, str] = {}
    for field in FIELDS:
        text = (raw.get(field) or "").strip()
        try:
            if field in REQUIRED and not text:
                raise ValueError("必填，不能为空")
            if field in ("building", "unit", "room"):
                text = normalize_address_part(field, text)
            if field in _LIMITS and len(text) > _LIMITS[field]:
                raise ValueError(f"不能超过 {_LIMITS[field]} 个字")
            if field == "area":
                clean[field] = parse_area(text)
            elif field == "phone":
                clean[field] = parse_phone(text)
            elif field == "has_vote":
                clean[field] = parse_has_vote(text)
            else:
                clean[field] = text
        except ValueError as exc:
            errors[field] = str(exc)
    return clean, errors


def parse_register(
    filename: str, data: bytes, progress: Callable[[int, int], None] | None = None
) -> list[HouseholdRow]:
    """Parse and validate a whole register file; raise InvalidInput listing every bad row.

    `progress(done, total)` is called every 500 records and at the end.
    """
    records, by_letter = read_records(filename, data)
    try:
        records = list(records)
    except csv.Error as error:  # e.g. a field over the csv module's size limit: not a register
        raise InvalidInput(f"无法按 CSV 读取此文件：{error}。请确认上传的是住户名册。") from None
    mapping: dict[str, int] | None = None
    rows: list[HouseholdRow] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str, str], int] = {}
    for done, (line, cells) in enumerate(records, start=1):
        if progress and done % 500 == 0:
            progress(done, len(records))
        if not any(c.strip() for c in cells):
            continue  # blank lines, e.g. Excel's trailing rows
        if mapping is None:
            mapping = _map_header(line, cells)
            continue

        def column(index: int) -> str:
            return f"{column_letter(index + 1)} 列" if by_letter else f"第 {index + 1} 列"

        raw = {f: (cells[i] if i < len(cells) else "") for f, i in mapping.items()}
        clean, errors = validate_fields(raw)
        for field, reason in errors.items():
            problems.append(Problem(line, column(mapping[field]), FIELDS[field][0], reason))
        if errors:
            continue
        row = HouseholdRow(line=line, **clean)
        if row.key in seen:
            problems.append(Problem(line, "", "", f"地址与第 {seen[row.key]} 行重复"))
            continue
        seen[row.key] = line
        rows.append(row)
    if progress:
        progress(len(records), len(records))
    if mapping is None:
        raise InvalidInput("文件是空的：第一行应为表头（" + "、".join(HEADERS) + "）。")
    if problems:
        raise InvalidInput(f"文件有 {len(problems)} 处错误，全部未导入。请改正后重新上传。", problems)
    if not rows:
        raise InvalidInput("文件只有表头，没有住户。")
    return rows


def _export_cells(household) -> list:
    return [
        household.building,
        household.unit,
        household.room,
        household.head_name,
        household.phone,
        household.area,
        household.property_unit,
        "是" if household.has_vote else "否",
    ]


def write_csv(households: Iterable) -> bytes:
    """Write the register as CSV in UTF-8 with a BOM, which Excel opens correctly."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for household in households:
        cells = _export_cells(household)
        cells[5] = f"{cells[5]:.2f}"
        writer.writerow(cells)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def write_xlsx(households: Iterable) -> bytes:
    """Write the register as .xlsx with text addresses and phones and a 2-decimal area."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("住户名册")
    sheet.append(HEADERS)
    for household in households:
        cells = _export_cells(household)
        cells[5] = float(cells[5])  # xlsx stores numbers as doubles; 2 decimals round-trip exactly via repr
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
