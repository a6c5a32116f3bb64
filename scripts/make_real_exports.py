"""按真实版式做建档立卡导出表：从示例数据（docgen.households.sample）出发，改成国家扶贫开发信息系统与县里实际给出的样子，
供读取程序的测试对照。

真实导出表与示例数据不同的地方：
- 表头前有标题行（合并单元格）和“填报单位、导出时间”说明行，表头不在第 1 行；
- 收入表是两行表头：财产性收入、转移性收入是横向合并的分组，其下各有一列字面写作“其他”，只能按分组区分；
- 列名用别名（身份证号、乡镇、户编码、半角括号的“务工时间(月)”等）；
- 多一张“填表说明”工作表；同一文件夹里有两个月的导出、Excel/LibreOffice 的锁文件、Thumbs.db、.DS_Store；
- 县里的 CSV 是 GBK 编码，表头前有一行标题；
- 还会收到旧版 .xls、.ods、加了密码的 .xlsx、传输中断的 .xlsx。

``build(out)`` 写出这些文件，并返回（同时写成 out/answers.json）正确的读取程序应当得到的结果：
每张工作表的表头行、首个数据行、列名到标准列名的对应、数据行数、户数与人数，哪些文件应跳过，哪些应拒收。
同一种子得到同样的数据（xlsx/zip 的时间戳固定，加密文件的盐也由种子决定）。

    .venv/bin/python scripts/make_real_exports.py 输出目录 [--households N] [--seed S]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import struct
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MEMBERS, INCOME, HOUSING = "贫困户成员信息", "贫困户家庭收入", "贫困户住房饮水"
NOTES_SHEET = "填表说明"
UNIT = "王益区扶贫办"
PASSWORD = "1234"
# 成员表：标准列名 → 实际导出中的别名
MEMBER_ALIASES = {
    "证件号码": "身份证号",
    "乡（镇）": "乡镇",
    "户编号": "户编码",
    "务工时间（月）": "务工时间(月)",
    "是否参加城乡居民基本医疗保险（新农合）": "是否参加城乡居民基本医疗保险(新农合)",
}
# 收入表的两个分组：分组名 → [(标准列名, 第二行表头)]
INCOME_GROUPS = {
    "财产性收入": [("资产收益扶贫分红收入", "资产收益扶贫分红收入"), ("其他财产性收入", "其他")],
    "转移性收入": [("计划生育金", "计划生育金"), ("低保金", "低保金"), ("特困供养金", "特困供养金"),
              ("养老保险金", "养老保险金"), ("生态补偿金", "生态补偿金"), ("其他转移性收入", "其他")],
}
TITLES = {MEMBERS: "贫困户成员信息表", INCOME: "贫困户收入情况表", HOUSING: "贫困户住房饮水情况表"}
NOTES = [
    "填表说明",
    "1. 本表由全国扶贫开发信息系统导出，数据截至统计月末。",
    "2. 收入单位为元；财产性收入、转移性收入下的“其他”分别为其他财产性收入、其他转移性收入。",
    "3. 身份证号、户编码请保持文本格式，勿改为数值或科学计数法。",
    "4. 本表内容如有疑问，请与区扶贫办信息股联系。",
]
# 一个月的导出：期别 → (文件名, 标题里的截至时间, 导出日期)
PERIODS = {
    "2020-12": ("户籍导出-2020-12.xlsx", "截至2020年12月", dt.date(2021, 1, 5)),
    "2020-11": ("户籍导出-2020-11.xlsx", "截至2020年11月", dt.date(2020, 12, 3)),
}
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------- 读示例数据

def _read_sample(d: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """示例导出表：工作表名 → (表头, 数据行)。"""
    import openpyxl

    wb = openpyxl.load_workbook(d / "户籍导出.xlsx", read_only=True)
    try:
        sheets = {}
        for ws in wb.worksheets:
            rows = list(ws.iter_rows(values_only=True))
            sheets[ws.title] = ([str(h) for h in rows[0]], [tuple(r) for r in rows[1:]])
        return sheets
    finally:
        wb.close()


def _sheet_name(sheets: dict, role: str, key_header: str) -> str:
    """按表头认出示例数据中的三张表（示例数据换了表名时也能找到）。"""
    if role in sheets:
        return role
    for name, (headers, _) in sheets.items():
        if key_header in headers:
            return name
    raise SystemExit(f"示例数据中找不到{role}表")


# ---------------------------------------------------------------- 版式

def _income_columns(headers: list[str]) -> list[tuple[str | None, str, str]]:
    """收入表各列：(分组名或 None, 第二行表头, 标准列名)；同一分组的列必须相邻。"""
    where = {std: (g, sub) for g, cols in INCOME_GROUPS.items() for std, sub in cols}
    cols = [(where[h][0], where[h][1], h) if h in where else (None, h, h) for h in headers]
    seen: list[str] = []
    for g, _, _ in cols:
        if g and (not seen or seen[-1] != g):
            if g in seen:
                raise SystemExit(f"收入表中分组“{g}”的列不相邻")
            seen.append(g)
    return cols


def _export_workbook(sheets: dict, names: dict[str, str], period: str) -> tuple[bytes, dict]:
    """一个月的导出表（xlsx 字节）与它的答案（各工作表的表头行、列名对应等）。"""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from docgen.render.ooxml import workbook_bytes

    _, as_of, exported = PERIODS[period]
    title_font, head_font = Font(bold=True, size=14), Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wb = Workbook()
    wb.remove(wb.active)
    answers: dict[str, dict] = {}

    def title(ws, text: str, row: int, ncols: int, font=title_font) -> None:
        ws.cell(row, 1, text).font = font
        ws.cell(row, 1).alignment = center
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)

    def columns(headers, std) -> list[dict]:
        return [{"col": i, "letter": get_column_letter(i), "header": h, "standard": s}
                for i, (h, s) in enumerate(zip(headers, std), start=1)]

    # 成员表：标题、说明行、表头（第 3 行）、数据（第 4 行起）
    name = names["members"]
    std, rows = sheets[name]
    user = [MEMBER_ALIASES.get(h, h) for h in std]
    ws = wb.create_sheet(name)
    title(ws, f"{TITLES[MEMBERS]}（{as_of}）", 1, len(std))
    title(ws, f"填报单位：{UNIT}    导出时间：{exported.isoformat()}", 2, len(std), Font(size=10))
    ws.cell(2, 1).alignment = Alignment(horizontal="left")
    for c, h in enumerate(user, start=1):
        ws.cell(3, c, h).font = head_font
    for r in rows:
        ws.append(list(r))
    answers[name] = {"role": "members", "title_rows": [1, 2], "header_rows": [3], "header_row": 3, "first_data_row": 4,
                     "data_rows": len(rows), "last_row": 3 + len(rows),
                     "renamed": {u: s for u, s in zip(user, std) if u != s}, "columns": columns(user, std),
                     "first_record": dict(zip(std, rows[0])), "last_record": dict(zip(std, rows[-1]))}

    # 收入表：标题、两行表头（第 2–3 行，分组横向合并、其余纵向合并）、数据（第 4 行起）
    name = names["income"]
    std, rows = sheets[name]
    cols = _income_columns(std)
    ws = wb.create_sheet(name)
    title(ws, f"{TITLES[INCOME]}（{as_of}）", 1, len(std))
    user_headers: list = []
    c = 1
    while c <= len(cols):
        group, sub, _ = cols[c - 1]
        if group is None:
            ws.cell(2, c, sub)
            ws.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
            user_headers.append(sub)
            c += 1
            continue
        end = c
        while end < len(cols) and cols[end][0] == group:
            end += 1
        ws.cell(2, c, group)
        ws.merge_cells(start_row=2, start_column=c, end_row=2, end_column=end)
        for k in range(c, end + 1):
            ws.cell(3, k, cols[k - 1][1])
            user_headers.append([group, cols[k - 1][1]])
        c = end + 1
    for r in (2, 3):
        for k in range(1, len(cols) + 1):
            ws.cell(r, k).font = head_font
            ws.cell(r, k).alignment = center
    for r in rows:
        ws.append(list(r))
    answers[name] = {"role": "income", "title_rows": [1], "header_rows": [2, 3], "header_row": 3, "first_data_row": 4,
                     "data_rows": len(rows), "last_row": 3 + len(rows),
                     "renamed": {(u if isinstance(u, str) else "/".join(u)): s for u, s in zip(user_headers, std)
                                 if not isinstance(u, str) and u[1] != s},
                     "groups": {g: [get_column_letter(k) for k, (gg, _, _) in enumerate(cols, start=1) if gg == g]
                                for g in INCOME_GROUPS if any(gg == g for gg, _, _ in cols)},
                     "columns": columns(user_headers, std),
                     "first_record": dict(zip(std, rows[0])), "last_record": dict(zip(std, rows[-1]))}

    # 住房饮水表：标题、表头（第 2 行）
    name = names["housing"]
    std, rows = sheets[name]
    ws = wb.create_sheet(name)
    title(ws, f"{TITLES[HOUSING]}（{as_of}）", 1, len(std))
    for k, h in enumerate(std, start=1):
        ws.cell(2, k, h).font = head_font
    for r in rows:
        ws.append(list(r))
    answers[name] = {"role": "housing", "title_rows": [1], "header_rows": [2], "header_row": 2, "first_data_row": 3,
                     "data_rows": len(rows), "last_row": 2 + len(rows), "renamed": {}, "columns": columns(std, std),
                     "first_record": dict(zip(std, rows[0])), "last_record": dict(zip(std, rows[-1]))}

    ws = wb.create_sheet(NOTES_SHEET)
    for i, line in enumerate(NOTES, start=1):
        ws.cell(i, 1, line)
    ws.column_dimensions["A"].width = 80

    members = sheets[names["members"]]
    hh_col = members[0].index("户编号")
    info = {
        "kind": "xlsx", "period": period, "title": f"{TITLES[MEMBERS]}（{as_of}）", "export_date": exported.isoformat(),
        "sheet_order": [ws.title for ws in wb.worksheets], "sheets": answers, "unrecognised_sheets": [NOTES_SHEET],
        "households": len({r[hh_col] for r in members[1]}), "members": len(members[1]),
    }
    return workbook_bytes(wb, dt.datetime.combine(exported, dt.time(9, 0))), info


def _members_csv(sheets: dict, names: dict[str, str]) -> tuple[bytes, dict]:
    """成员表的 CSV（GBK），表头前一行标题（只写在第一格）。"""
    std, rows = sheets[names["members"]]
    user = [MEMBER_ALIASES.get(h, h) for h in std]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([f"{TITLES[MEMBERS]}（{PERIODS['2020-12'][1]}）"] + [""] * (len(std) - 1))
    w.writerow(user)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    data = buf.getvalue().encode("gbk")
    assert data.decode("gb18030") == buf.getvalue()
    return data, {"kind": "csv", "encoding": "gbk", "title_rows": [1], "header_row": 2, "first_data_row": 3,
                  "data_rows": len(rows), "renamed": {u: s for u, s in zip(user, std) if u != s},
                  "first_record": {s: ("" if v is None else str(v)) for s, v in zip(std, rows[0])}}


# ---------------------------------------------------------------- 复合文档（OLE2/CFB）与旧版 .xls

ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def cfb(streams: list[tuple[str, bytes]]) -> bytes:
    """最小的复合文档（版本 3，512 字节扇区）：根目录下若干流。流都补到至少 4096 字节（不必写迷你流；
    Excel 与 xlwt 写的 Workbook 流也是这样），目录项按名字排成一条右兄弟链（合法的红黑树：全部黑色）。"""
    sector = 512
    data = [s + b"\0" * (max(4096, -(-len(s) // sector) * sector) - len(s)) for _, s in streams]
    n_data = sum(len(d) // sector for d in data)
    n_dir = -(-(len(streams) + 1) // 4)
    n_fat = 1
    while n_fat * (sector // 4) < n_fat + n_data + n_dir:
        n_fat += 1
    assert n_fat <= 109
    fat = [FATSECT] * n_fat
    starts = []
    for d in data:
        starts.append(len(fat))
        k = len(d) // sector
        fat += [len(fat) + i + 1 for i in range(k - 1)] + [ENDOFCHAIN]
    dir_start = len(fat)
    fat += [dir_start + i + 1 for i in range(n_dir - 1)] + [ENDOFCHAIN]
    fat += [FREESECT] * (n_fat * (sector // 4) - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = (name.encode("utf-16-le") + b"\0\0") if name else b""
        return (raw.ljust(64, b"\0") + struct.pack("<HBBIII", len(raw), kind, 1, NOSTREAM, right, child)
                + b"\0" * 16 + struct.pack("<IQQIQ", 0, 0, 0, start, size))

    # 兄弟顺序：先比长度、再比大写后的 UTF-16；根的子项取最小的，其余依次挂在右兄弟上
    order = sorted(range(len(streams)), key=lambda i: (len(streams[i][0]), streams[i][0].upper()))
    right = {order[k]: order[k + 1] + 1 for k in range(len(order) - 1)}
    dirs = entry("Root Entry", 5, order[0] + 1, NOSTREAM, ENDOFCHAIN, 0)
    for i, (name, s) in enumerate(streams):
        dirs += entry(name, 2, NOSTREAM, right.get(i, NOSTREAM), starts[i], len(data[i]))
    while len(dirs) < n_dir * sector:
        dirs += entry("", 0, NOSTREAM, NOSTREAM, 0, 0)
    difat = list(range(n_fat)) + [FREESECT] * (109 - n_fat)
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16
              + struct.pack("<HHHHH6xIIIIIIIII", 0x003E, 0x0003, 0xFFFE, 9, 6, 0, n_fat, dir_start, 0, 4096,
                            ENDOFCHAIN, 0, ENDOFCHAIN, 0)
              + struct.pack("<109I", *difat))
    assert len(header) == sector
    return header + struct.pack(f"<{len(fat)}I", *fat) + b"".join(data) + dirs


def _rec(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _xlstr(s: str, short: bool = False) -> bytes:
    """BIFF8 的 Unicode 字符串（一律存 UTF-16）：短串长度 1 字节，其余 2 字节。"""
    return struct.pack("<B" if short else "<H", len(s)) + b"\x01" + s.encode("utf-16-le")


def biff8_workbook(sheet: str, rows: list[list]) -> bytes:
    """最小的 BIFF8 Workbook 流（Excel 97–2003 .xls）：一张工作表，文字进共享字符串表，数字用 NUMBER。"""
    bof = lambda kind: _rec(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))  # noqa: E731
    glob = bof(0x0005) + _rec(0x0042, struct.pack("<H", 1200))
    glob += _rec(0x003D, struct.pack("<HHHHHHHHH", 0, 0, 0x4000, 0x2000, 0x38, 0, 0, 1, 0x258))
    font = _rec(0x0031, struct.pack("<HHHHHBBBB", 220, 0, 0x7FFF, 400, 0, 0, 0, 0x86, 0) + _xlstr("宋体", short=True))
    glob += font * 5
    style_xf = _rec(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0xFFF5, 0x20, 0, 0, 0xF4, 0, 0, 0x20C0))
    cell_xf = _rec(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0x0001, 0x20, 0, 0, 0x00, 0, 0, 0x20C0))
    glob += style_xf * 15 + cell_xf + _rec(0x0293, struct.pack("<HBB", 0x8000, 0, 0xFF))
    strings: dict[str, int] = {}
    cells, n_str = b"", 0
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                cells += _rec(0x0203, struct.pack("<HHHd", r, c, 15, float(v)))
            else:
                idx = strings.setdefault(str(v), len(strings))
                cells += _rec(0x00FD, struct.pack("<HHHI", r, c, 15, idx))
                n_str += 1
    sst = _rec(0x00FC, struct.pack("<II", n_str, len(strings)) + b"".join(_xlstr(s) for s in strings))
    assert len(sst) <= 8228, "共享字符串表超过一个记录（需要 CONTINUE）：少放几行"
    boundsheet_len = 4 + 6 + len(_xlstr(sheet, short=True))
    eof = _rec(0x000A, b"")
    sheet_pos = len(glob) + boundsheet_len + len(sst) + len(eof)
    glob += _rec(0x0085, struct.pack("<IBB", sheet_pos, 0, 0) + _xlstr(sheet, short=True)) + sst + eof
    assert len(glob) == sheet_pos
    ncols = max(len(r) for r in rows)
    body = bof(0x0010) + _rec(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, ncols, 0)) + cells
    body += _rec(0x023E, struct.pack("<HHHHHHHHH", 0x06B6, 0, 0, 64, 0, 0, 0, 0, 0)) + eof
    return glob + body


# ---------------------------------------------------------------- 其他格式

def _zip(members: list[tuple[str, bytes, int]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data, method in members:
            zi = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            zi.compress_type = method
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)
    return out.getvalue()


def ods(sheet: str, rows: list[list]) -> bytes:
    """最小的 OpenDocument 电子表格：mimetype 为第一个成员且不压缩，另有 content.xml 与清单。"""
    from xml.sax.saxutils import escape

    cells = []
    for row in rows:
        out = []
        for v in row:
            if v is None:
                out.append("<table:table-cell/>")
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                out.append(f'<table:table-cell office:value-type="float" office:value="{v}">'
                           f'<text:p>{v}</text:p></table:table-cell>')
            else:
                out.append(f'<table:table-cell office:value-type="string">'
                           f'<text:p>{escape(str(v))}</text:p></table:table-cell>')
        cells.append("<table:table-row>" + "".join(out) + "</table:table-row>")
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="{escape(sheet)}">'
               + "".join(cells) + "</table:table></office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
                'manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    return _zip([("mimetype", b"application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED),
                 ("content.xml", content.encode("utf-8"), zipfile.ZIP_DEFLATED),
                 ("META-INF/manifest.xml", manifest.encode("utf-8"), zipfile.ZIP_DEFLATED)])


def encrypt_xlsx(plain: bytes, password: str, seed: int) -> bytes:
    """用 msoffcrypto-tool 加密（ECMA-376 Agile，与 Excel“用密码进行加密”相同）。盐与密钥由种子决定、
    目录时间固定，结果可重现——只用于测试数据（msoffcrypto 的这两个内部函数改名时照常加密，只是每次不同）。"""
    import msoffcrypto.method.container.ecma376_encrypted as container
    import msoffcrypto.method.ecma376_agile as agile
    from msoffcrypto.format.ooxml import OOXMLFile

    rng = random.Random(f"encrypt-{seed}")
    patches = [(agile, "_random_buffer", rng.randbytes), (container, "datetime2filetime", lambda _now: 0)]
    patches = [(mod, name, new, getattr(mod, name)) for mod, name, new in patches if hasattr(mod, name)]
    for mod, name, new, _ in patches:
        setattr(mod, name, new)
    try:
        out = io.BytesIO()
        OOXMLFile(io.BytesIO(plain)).encrypt(password, out)
        return out.getvalue()
    finally:
        for mod, name, _, old in patches:
            setattr(mod, name, old)


def excel_owner_file(user: str) -> bytes:
    """Excel 打开工作簿时写的 ~$ 文件（165 字节）：用户名长度（1 字节）、ANSI 用户名补空格到 54 字节、
    长度（2 字节）、UTF-16LE 用户名补空格到 54 个字符。"""
    ansi = user.encode("gbk")[:54].ljust(54, b" ")
    wide = user[:54].ljust(54).encode("utf-16-le")
    data = bytes([len(user)]) + ansi + struct.pack("<H", len(user)) + wide
    assert len(data) == 165
    return data


def ds_store() -> bytes:
    """macOS 的 .DS_Store：“Bud1”伙伴分配器文件头，其余为空（Finder 常见的 6148 字节）。"""
    head = struct.pack(">I4sIII", 1, b"Bud1", 0x1000, 0x800, 0x1000)
    return head.ljust(6148, b"\0")


def thumbs_db() -> bytes:
    """Windows 资源管理器的 Thumbs.db：本身也是复合文档（只有一个空的 Catalog 流）。"""
    return cfb([("Catalog", struct.pack("<HHIII", 16, 7, 0, 96, 96))])


# ---------------------------------------------------------------- 组装

def build(out: Path, households: int = 12, seed: int = 3) -> dict:
    """写出全部文件，返回答案（并写成 out/answers.json）。"""
    from docgen.households.sample import generate

    out = Path(out)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp)
        stats = generate(households, seed, src, extras=False)  # 真实版式的导出表只做这三张表
        sheets = _read_sample(src)
        village_yaml = (src / "村.yaml").read_bytes()
        problems = (src / "问题.xlsx").read_bytes()
    names = {"members": _sheet_name(sheets, MEMBERS, "证件号码"), "income": _sheet_name(sheets, INCOME, "工资性收入"),
             "housing": _sheet_name(sheets, HOUSING, "是否危房户")}

    def write(rel: str, data: bytes) -> None:
        p = out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)

    files: dict[str, dict] = {}
    exports = {p: _export_workbook(sheets, names, p) for p in PERIODS}
    dec, dec_info = exports["2020-12"]
    nov, nov_info = exports["2020-11"]
    dec_name, nov_name = PERIODS["2020-12"][0], PERIODS["2020-11"][0]
    write(dec_name, dec)
    files[dec_name] = dec_info
    for rel, data, info in ((f"两个月/{dec_name}", dec, dec_info), (f"两个月/{nov_name}", nov, nov_info),
                            (f"文件夹/{dec_name}", dec, dec_info)):
        write(rel, data)
        files[rel] = info

    csv_bytes, csv_info = _members_csv(sheets, names)
    write("成员信息-GBK.csv", csv_bytes)
    files["成员信息-GBK.csv"] = csv_info

    write("文件夹/村.yaml", village_yaml)
    write("文件夹/问题.xlsx", problems)
    files["文件夹/村.yaml"] = {"kind": "yaml"}
    files["文件夹/问题.xlsx"] = {"kind": "xlsx", "header_row": 1, "first_data_row": 2}
    skip = [
        (f"~${dec_name}", excel_owner_file("Administrator"), "excel-lock", "Excel 打开该工作簿时留下的锁文件（~$）"),
        (f".~lock.{dec_name}#", ("Administrator,Administrator,FPB-PC,05.01.2021 09:30,"
                                 "file:///C:/Users/Administrator/AppData/Roaming/LibreOffice/4;").encode("utf-8"),
         "libreoffice-lock", "LibreOffice 打开该工作簿时留下的锁文件（.~lock.…#）"),
        ("Thumbs.db", thumbs_db(), "thumbs-db", "Windows 资源管理器的缩略图缓存"),
        (".DS_Store", ds_store(), "ds-store", "macOS Finder 的目录信息（隐藏文件）"),
    ]
    for name, data, _, _ in skip:
        write(f"文件夹/{name}", data)

    std, rows = sheets[names["members"]]
    sample_rows = [std] + [list(r) for r in rows[:3]]
    refused = {
        "拒收/旧版导出.xls": (cfb([("Workbook", biff8_workbook(names["members"], sample_rows))]), "xls",
                          "Excel 97–2003 格式（OLE2 复合文档）：请在 Excel 中另存为 .xlsx"),
        "拒收/导出.ods": (ods(names["members"], sample_rows), "ods", "OpenDocument 电子表格：请另存为 .xlsx"),
        "拒收/加密导出.xlsx": (encrypt_xlsx(dec, PASSWORD, seed), "encrypted",
                           "加了打开密码的工作簿（复合文档内是 EncryptionInfo 与 EncryptedPackage）"),
        "拒收/损坏.xlsx": (dec[: len(dec) // 2], "corrupt", "zip 在中间被截断（传输中断）"),
    }
    for rel, (data, _, _) in refused.items():
        write(rel, data)

    answers = {
        "generator": {"households": households, "seed": seed, **stats},
        "households": dec_info["households"], "members": dec_info["members"],
        "sheet_names": names,
        "files": files,
        "folders": {
            "两个月": {"periods": {"2020-12": dec_name, "2020-11": nov_name}},
            "文件夹": {"read": [dec_name, "村.yaml", "问题.xlsx"],
                    "skip": [{"file": n, "kind": k, "note": note} for n, _, k, note in skip]},
        },
        "refused": {rel: {"kind": kind, "note": note, **({"password": PASSWORD} if kind == "encrypted" else {})}
                    for rel, (_, kind, note) in refused.items()},
    }
    write("answers.json", json.dumps(answers, ensure_ascii=False, indent=1, default=str).encode("utf-8"))
    return json.loads(json.dumps(answers, default=str))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="按真实版式生成建档立卡导出表（含答案 answers.json）")
    ap.add_argument("out", type=Path, metavar="输出目录")
    ap.add_argument("--households", type=int, default=12, help="户数（默认 12）")
    ap.add_argument("--seed", type=int, default=3, help="随机种子（默认 3）")
    a = ap.parse_args(argv)
    ans = build(a.out, a.households, a.seed)
    print(f"已生成 {a.out}：{ans['households']} 户 {ans['members']} 人；"
          f"{len(ans['files'])} 个应读文件、{len(ans['folders']['文件夹']['skip'])} 个应跳过、{len(ans['refused'])} 个应拒收")
    return 0


if __name__ == "__main__":
    sys.exit(main())
