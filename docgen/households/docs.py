"""户档文书：收入核算表、户情卡（DOCX 用 docxtpl 模板，PDF 用 Typst 模板），以及退出公示名单（DOCX、PDF）。
公示用的文书身份证号一律打码（默认前 6 后 4，可配置）、不列电话；内部使用的户档保留完整号码。
日期一律取核算的基准日期（或调用方给的日期），不读今天的日期，也不用收入年度的年末——同样的输入得到同样的字节。"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from pathlib import Path

from docgen.households.compute import (
    DIMENSIONS,
    Assessment,
    Settings,
    mask_id,
    mask_phone,
)
from docgen.households.ledger import ratio_text, remarks, verdicts
from docgen.errors import RenderError
from docgen.layout import format_date
from docgen.render.ooxml import deterministic_zip, set_core_properties

# 户档模板的变量（check-templates 按它检查 Word 模板里用到的变量）。结论与全县汇总同一口径（ledger.verdicts）：
# income_verdict 收入是否达标、monitor_verdict 是否低于监测线、assurance_verdict 两不愁三保障是否达标、
# exit_verdict 是否达到退出标准（是 / 否 / —），*_reason 为“否”的原因；verdict 为一句话结论。
CONTEXT_COMMON = {"year", "hh_id", "township", "village", "group", "head", "head_id", "size", "attribute", "status",
                  "cause", "phone", "per_capita", "line", "verdict", "date", "reference", "notes",
                  "income_verdict", "income_reason", "monitor_line", "monitor_ratio", "monitor_verdict",
                  "assurance_verdict", "assurance_reason", "exit_verdict", "exit_reason"}
DOCX_CONTEXT_KEYS = {
    "household_income.docx": CONTEXT_COMMON | {"items", "gross", "expense", "net"},
    "household_card.docx": CONTEXT_COMMON | {"members", "checks", "mismatches"},
    "notice.docx": None,
}


DOC_KINDS = {  # 户档文书种类 → (模板，相对于模板目录；文件名后缀)
    "收入核算表.docx": ("docx/household_income.docx", "收入核算表.docx"),
    "户情卡.docx": ("docx/household_card.docx", "户情卡.docx"),
    "收入核算表.pdf": ("typst/household_income.typ", "收入核算表.pdf"),
    "户情卡.pdf": ("typst/household_card.typ", "户情卡.pdf"),
}


def missing_templates(folder: Path, kinds) -> list[str]:
    """模板目录里缺哪些批处理要用的模板（户档各种类与公示名单）。"""
    need = [DOC_KINDS[k][0] for k in kinds] + ["typst/gongshi.typ"]
    return [n for n in need if not (Path(folder) / n).is_file()]


def kinds_for(formats) -> tuple[str, ...]:
    """格式（docx、pdf）→ 户档文书种类。"""
    return tuple(f"{name}.{fmt}" for fmt in formats for name in ("收入核算表", "户情卡"))


class HouseholdForms:
    """户档文书的渲染器：每种 Word 模板只编译一次，Typst 编译器（及其字体）在第一次要 PDF 时只建一次。
    `docgen ledger` 与批处理的工作进程都用它。"""

    def __init__(self, templates: Path):
        self.templates = Path(templates)
        self._docx: dict = {}
        self._typst = None

    def render(self, kind: str, ctx: dict, date: dt.date | None = None) -> bytes:
        """渲染一种户档。PDF 的文档日期为 `date`，不给时取上下文中的基准日期（``ctx["reference"]``）。"""
        template = DOC_KINDS[kind][0]
        if kind.endswith(".docx"):
            if kind not in self._docx:
                from docgen.render.fastdocx import CompiledDocx

                self._docx[kind] = CompiledDocx(self.templates / template)
            return self._docx[kind].render(ctx)
        if self._typst is None:  # 与公示名单共用本进程的 Typst 编译器与字体
            self._typst = _typst_forms(self.templates / "typst")
        return self._typst.render(template.split("/", 1)[1], ctx, date or dt.date.fromisoformat(ctx["reference"]))


def _money(x: float | None) -> str:
    return "" if x is None else f"{x:,.2f}"


def household_context(a: Assessment, settings: Settings, public: bool = False, date: dt.date | None = None,
                      mismatches: list[dict] | None = None) -> dict:
    """户档模板的变量。`public` 为真时（公示）身份证号、电话打码。日期为 `date`，不给时为核算的基准日期
    （``a.reference``）。收入与两不愁三保障的结论分开给出，文字与全县汇总相同。`mismatches`：库册核对里这一户
    未解决的不一致（项目、说明、库、另一边的值），户情卡上列出。"""
    h, r = a.household, a.income
    day = date or a.reference
    if day is None:
        raise ValueError(f"户 {h.hh_id} 的核算结果没有基准日期（用 compute.assess(h, settings, reference) 核算）")
    mid = (lambda s: mask_id(s, settings)) if public else (lambda s: s)
    v = verdicts(a)
    items = []
    if r is not None:
        cur = next(i for i in h.incomes if i.year == r.year)
        for it in cur.items:
            items.append({"category": it.category, "name": it.name, "amount": _money(it.amount), "note": it.note})
    notes = remarks(a) + [x for x in a.flags if x == "收入下降"]
    return {
        "year": r.year if r else "", "hh_id": h.hh_id, "township": h.township, "village": h.village, "group": h.group,
        "head": h.head.name, "head_id": mid(h.head.id_number), "size": h.size, "attribute": h.attribute,
        "status": h.status, "cause": h.cause, "phone": mask_phone(h.head.phone) if public else h.head.phone,
        "items": items, "gross": _money(r.gross if r else None), "expense": _money(r.expense if r else None),
        "net": _money(r.net if r else None), "per_capita": _money(r.per_capita if r else None),
        "line": _money(r.line if r else None), "monitor_line": _money(a.monitor_line),
        "monitor_ratio": ratio_text(a.monitor_ratio),
        "income_verdict": v.income, "income_reason": v.income_reason, "monitor_verdict": v.monitor,
        "assurance_verdict": v.assurance, "assurance_reason": v.assurance_reason,
        "exit_verdict": v.exit, "exit_reason": v.exit_reason,
        "verdict": "达到退出标准" if a.passes else f"未达到退出标准：{v.exit_reason}",
        "date": format_date(day), "reference": day.isoformat(),
        "notes": "；".join(notes),
        "members": [{"name": m.name, "relation": m.relation, "sex": m.sex, "id": mid(m.id_number), "health": m.health,
                     "education": m.education or m.schooling, "labour": m.labour} for m in h.members],
        "checks": [{"name": d, "result": "否" if d in a.failures else "是", "reason": "；".join(a.failures.get(d, []))}
                   for d in DIMENSIONS],
        "mismatches": [{"item": m["item"], "rule": m["rule"], "ku": m["ku"],
                        "other": m["other"], "source": m["source"], "detail": m["detail"]} for m in mismatches or []],
    }


class DocxRenderer:
    """每个进程加载一次模板；逐户渲染。值一律转义（docxtpl 默认不转义，含 < > 会损坏文档）。"""

    def __init__(self, template: Path):
        self.template = template

    def render(self, ctx: dict) -> bytes:
        from docxtpl import DocxTemplate
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        tpl = DocxTemplate(str(self.template))
        tpl.render(ctx, jinja_env=ImmutableSandboxedEnvironment(), autoescape=True)
        buf = io.BytesIO()
        tpl.docx.core_properties.created = tpl.docx.core_properties.modified = dt.datetime(2020, 1, 1)
        tpl.save(buf)
        return deterministic_zip(buf.getvalue())


# ---------------------------------------------------------------- 退出公示名单

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNIT_FIELD = re.compile(r"\{(村|乡镇|县)\}")  # docgen.settings.UNIT_FIELDS
_GROUP = re.compile(r"第?\s*([0-9]+|[零〇一二两三四五六七八九十]+)\s*(?:组|村民小组|小组|社|队)?")


def _cn_int(s: str) -> int | None:
    """阿拉伯数字或一百以内的中文数字（三、十二、二十一）→ 整数。"""
    if s.isdigit():
        return int(s)
    if "十" in s:
        tens, _, ones = s.partition("十")
        if len(tens) > 1 or len(ones) > 1 or (tens and tens not in _CN_DIGITS) or (ones and ones not in _CN_DIGITS):
            return None
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[s] if len(s) == 1 and s in _CN_DIGITS else None


def group_key(group: str) -> tuple:
    """组的排序键：“3组”“3”“第三组”“三组”按数排（2 组在 10 组前），其余写法排在后面、按文字排。"""
    g = (group or "").strip()
    m = _GROUP.fullmatch(g)
    n = _cn_int(m.group(1)) if m else None
    return (0, n, g) if n is not None else (1, 0, g)


def gongshi_rows(assessments: Iterable[Assessment], settings: Settings) -> list[dict]:
    """退出公示名单：脱贫状态为未脱贫或返贫、且达到退出标准（收入达标且两不愁三保障达标）的户（拟退出）。
    按村代码、组（按数）、户编号排序；身份证号按配置打码，不列电话。"""
    rows = []
    for a in assessments:
        h = a.household
        if h.status in ("未脱贫", "返贫") and a.passes and a.income is not None:
            rows.append({"hh_id": h.hh_id, "code": h.village_code, "township": h.township, "village": h.village,
                         "group": h.group, "head": h.head.name, "id": mask_id(h.head.id_number, settings),
                         "size": h.size, "per_capita": _money(a.income.per_capita), "cause": h.cause})
    rows.sort(key=lambda r: (r["code"], group_key(r["group"]), r["hh_id"]))
    return rows


def gongshi_title(scope_name: str, year: int) -> str:
    """“示例甲村2020年拟退出贫困户公示名单”；全县的写县名：“王益区2020年拟退出贫困户公示名单”。"""
    return f"{scope_name}{year}年拟退出贫困户公示名单"


def publishing_unit(template: str, village: str = "", township: str = "", county: str = "") -> str:
    """公示单位：把配置中的占位 {村} {乡镇} {县} 按字面替换（不作格式串解释）。一遍替换：名称里本身带的
    花括号或占位（如村名“{县}”）原样保留，不会被再替换一次。"""
    values = {"村": village, "乡镇": township, "县": county}
    return _UNIT_FIELD.sub(lambda m: values[m.group(1)], template).strip()


def gongshi_period(settings: Settings, reference: dt.date) -> tuple[dt.date, dt.date]:
    """公示期（首尾两天都算）：从配置的开始日期（没写时为基准日期）起，共配置的天数（默认 7 天）。"""
    start = settings.gongshi_start or reference
    return start, start + dt.timedelta(days=settings.gongshi_days - 1)


def _gongshi_columns(county: bool) -> list[tuple[str, str, float]]:
    """(表头, 行的键, 列宽比例)。"""
    cols = [("序号", "no", 1.0), ("村", "village", 2.2), ("组", "group", 1.2), ("户主姓名", "head", 1.8),
            ("证件号码", "id", 4.4), ("家庭人口数", "size", 1.5), ("人均纯收入（元）", "per_capita", 2.2),
            ("主要致贫原因", "cause", 2.6)]
    return [c for c in cols if county or c[1] != "village"]


def _gongshi_text(*, unit: str, start: dt.date, end: dt.date, rows: list[dict], county: bool) -> dict:
    """公示名单的文字部分（DOCX 与 PDF 共用，措辞一致）。"""
    if end < start:
        raise ValueError(f"公示期结束日期 {end} 早于开始日期 {start}")
    n, people = len(rows), sum(int(r["size"] or 0) for r in rows)
    who = "经各村民主评议、村“两委”和驻村工作队核实、贫困户本人确认，乡镇审核" if county else \
        "经民主评议、村“两委”和驻村工作队核实、贫困户本人确认"
    if n:
        intro = (f"{who}，以下 {n} 户 {people} 人达到贫困户退出标准（人均纯收入稳定超过当年贫困线，不愁吃、不愁穿，"
                 "义务教育、基本医疗、住房安全有保障，饮水安全），拟退出贫困户序列，现予公示。")
    else:
        intro = f"{who}，本次没有拟退出的贫困户。"
    days = (end - start).days + 1
    return {
        "intro": intro,
        "period": f"公示期：{format_date(start)}至{format_date(end)}（{days} 天）",
        "objection": f"公示期内，如对名单有异议，请以书面、电话或当面等方式向{unit}反映。反映问题应实事求是，"
                     "提倡署真实姓名；对反映人的信息严格保密。",
    }


def _signature_right_em(unit: str, date_text: str) -> float:
    """署名以日期为准居中，日期右空四字（GB/T 9704 的写法）；署名比日期长时右对齐到版心。"""
    from docgen.layout import text_width_em

    return max(0.0, 4 + (text_width_em(date_text) - text_width_em(unit)) / 2)


def gongshi_document(fmt: str, *, title: str, unit: str, start: dt.date, end: dt.date, date: dt.date, rows: list[dict],
                     county: bool = False, templates: Path | None = None, chunk: int = 1500) -> bytes:
    """公示名单文书（`fmt` 为 "docx" 或 "pdf"）：标题、说明、名单表（表头每页重复）、公示期、异议渠道，
    末尾右侧为公示单位与日期。`rows` 为 :func:`gongshi_rows` 的结果（身份证号已打码）；`county` 为真时名单多一列“村”。
    不读时钟：日期都来自参数，同样的输入得到同样的字节。"""
    if fmt == "pdf":
        from docgen.render.env import templates_dir

        folder = Path(templates or templates_dir()) / "typst"
        ctx = gongshi_context(title=title, unit=unit, start=start, end=end, date=date, rows=rows, county=county)
        if len(rows) > chunk:  # 全县几万户的长名单：分段在短命的子进程里排再拼起来，内存不随户数增长
            return _gongshi_pdf_in_parts(folder, ctx, rows, chunk, date)
        return _typst_forms(folder).render("gongshi.typ", ctx, date)
    if fmt == "docx":
        cols = _gongshi_columns(county)
        text = _gongshi_text(unit=unit, start=start, end=end, rows=rows, county=county)
        return _gongshi_docx(title, text, unit, date, cols, _gongshi_table(cols, rows))
    raise ValueError(f"公示名单的格式应为 docx 或 pdf，得到 {fmt!r}")


def _gongshi_table(cols: list[tuple[str, str, float]], rows: list[dict], start: int = 1) -> list[list[str]]:
    return [[str(i) if key == "no" else ("" if r.get(key) is None else str(r[key])) for _, key, _ in cols]
            for i, r in enumerate(rows, start=start)]


def gongshi_context(*, title: str, unit: str, start: dt.date, end: dt.date, date: dt.date, rows: list[dict],
                    county: bool = False) -> dict:
    """templates/typst/gongshi.typ 的数据（sys.inputs.data）。"""
    cols = _gongshi_columns(county)
    date_text = format_date(date)
    return {"title": title, **_gongshi_text(unit=unit, start=start, end=end, rows=rows, county=county), "unit": unit,
            "date": date_text, "columns": [c[0] for c in cols], "widths": [c[2] for c in cols],
            "rows": _gongshi_table(cols, rows), "signature_right": _signature_right_em(unit, date_text)}


def _gongshi_pdf_in_parts(folder: Path, ctx: dict, rows: list[dict], chunk: int, date: dt.date) -> bytes:
    """长名单分段排：Typst 的版面缓存是全进程共享的（typst-py 清不掉），一次排几千行、几百页要上 GB 内存；
    所以每段（`chunk` 行）在一个新的子进程里排，页码接着前面各段（每页“第 N 页”；总页数要等全部排完才知道，
    分段时不写“共 M 页”），拼起来后收进对象流。分段排的不带标签（拼接后的结构树对不上），仍是 PDF/A-2b。"""
    import io
    import json
    import subprocess
    import sys

    import pikepdf

    from docgen.render.typst_engine import compact

    table = ctx["rows"]
    n = (len(table) + chunk - 1) // chunk
    offset, merged = 0, None
    try:
        for k in range(n):
            part = {**ctx, "rows": table[k * chunk:(k + 1) * chunk], "part_first": k == 0, "part_last": k == n - 1,
                    "page_offset": offset}
            job = json.dumps({"folder": str(folder), "ctx": part, "date": date.isoformat()}, ensure_ascii=False)
            res = subprocess.run([sys.executable, "-c", "from docgen.households.docs import _gongshi_part_main as m; m()"],
                                 input=job.encode("utf-8"), capture_output=True, check=False)
            if res.returncode != 0:
                raise RenderError(f"公示名单分段排版失败：{res.stderr.decode('utf-8', 'replace')[-500:]}")
            pdf = pikepdf.open(io.BytesIO(res.stdout))
            offset += len(pdf.pages)
            if merged is None:
                merged = pdf
            else:
                merged.pages.extend(pdf.pages)
                pdf.close()
        out = io.BytesIO()
        merged.save(out, deterministic_id=True)
    finally:
        if merged is not None:
            merged.close()
    return compact(out.getvalue())


def _gongshi_part_main() -> None:
    """子进程：从标准输入读一段名单，排版后把 PDF 写到标准输出（见 _gongshi_pdf_in_parts）。"""
    import json
    import sys

    job = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    from docgen.fonts import FontSet
    from docgen.render.typst_engine import TypstForms

    forms = TypstForms(Path(job["folder"]), FontSet(), compact_pdf=False)
    sys.stdout.buffer.write(forms.render("gongshi.typ", job["ctx"], dt.date.fromisoformat(job["date"]), tags=False))


def typst_sample_contexts(reference: dt.date) -> dict[str, dict]:
    """每个 Typst 模板（templates/typst/ 下的文件名）一份示例数据，供 ``docgen check-templates`` 试排：
    户情卡、收入核算表用一户示例的 :func:`household_context`，公示名单用 :func:`gongshi_context`（全县，含“村”列）。"""
    from docgen.households.compute import assess
    from docgen.households.model import Household, Income, IncomeItem, Member

    member = Member(name="示例", sex="男", id_number="610202196503120018", relation="户主", education="初中", health="健康",
                    medical="是")
    hh = Household(hh_id="6102021002010001", county="王益区", township="黄堡镇", village="示例村", group="1组", size=1,
                   status="未脱贫", cause="因病", members=(member,),
                   incomes=(Income(year=reference.year, items=(
                       IncomeItem(category="生产经营性", name="生产经营性收入", amount=9000),)),))
    settings = Settings()
    a = assess(hh, settings, reference)
    mism = [{"item": "人口数", "rule": "家庭人口数不一致", "ku": "1", "other": "2", "source": "册", "detail": ""}]
    ctx = household_context(a, settings, mismatches=mism)  # 带一处库册不一致：户情卡上那一节也试排
    start, end = gongshi_period(settings, reference)
    gongshi = gongshi_context(title=gongshi_title("王益区", reference.year),
                              unit=publishing_unit(settings.gongshi_county_unit, county="王益区"), start=start, end=end,
                              date=reference, rows=gongshi_rows([a], settings), county=True)
    from docgen.crosscheck.compare import Mismatch
    from docgen.crosscheck.outputs import sheet_context

    sheet = sheet_context(hh.hh_id, [Mismatch("610202100201", "示例村", hh.hh_id, "示例", "KC020", "1", "户籍导出.xlsx:成员:2:家庭人口数",
                                              "2", "帮扶手册.xlsx:家庭情况:2:家庭人口数", "册")], settings, reference)
    return {"household_card.typ": ctx, "household_income.typ": ctx, "gongshi.typ": gongshi, "crosscheck_sheet.typ": sheet}


TABLE_PT = 10.5  # Word 版名单的字号（五号）：版心 156 mm 内一行放得下 18 位证件号码

_TYPST: dict = {}


def _typst_forms(folder: Path):
    """每个进程每个模板目录只建一次 Typst 编译器（字体只加载一次）。"""
    key = str(folder)
    if key not in _TYPST:
        from docgen.fonts import FontSet
        from docgen.render.typst_engine import TypstForms

        _TYPST[key] = TypstForms(folder, FontSet())
    return _TYPST[key]


def _gongshi_docx(title: str, text: dict, unit: str, date: dt.date, cols: list[tuple[str, str, float]],
                  table: list[list[str]]) -> bytes:
    """Word 版：公文模板的竖排节；名单为真正的 Word 表格，表头行在每页重复、行不跨页。"""
    from docgen.layout import GB9704, mm, twip
    from docgen.render.docx import open_template, save_docx, table_frame, write_sections
    from docgen.render.ooxml import el, para, run

    em = twip(GB9704.body_pt)  # 一个正文字宽（twip）
    doc, sect = open_template()
    width = twip(mm(GB9704.block_w_mm))
    tbl, grid = table_frame(width, [w for _, _, w in cols], cell_margin=40)

    def cell(value: str, w: int, style: str):
        return el("w:tc", None, el("w:tcPr", None, el("w:tcW", {"w": w, "type": "dxa"}), el("w:vAlign", {"val": "center"})),
                  para(style, [run(value, size_pt=TABLE_PT)] if value else [], jc="center"))

    tbl.append(el("w:tr", None, el("w:trPr", None, el("w:cantSplit"), el("w:tblHeader")),
                  *[cell(h, grid[i], "GWTableHead") for i, (h, _, _) in enumerate(cols)]))
    for values in table or [["（无）" if i == 1 else "" for i in range(len(cols))]]:
        tbl.append(el("w:tr", None, el("w:trPr", None, el("w:cantSplit")),
                      *[cell(v, grid[i], "GWTableText") for i, v in enumerate(values)]))
    date_text = format_date(date)
    no_indent = {"firstLine": 0, "firstLineChars": 0}
    els = [para("GWTitle", [run(title)], after=GB9704.line_pitch_twip), para("GWBody", [run(text["intro"])]), tbl,
           para("GWBody", [run(text["period"])], before=GB9704.line_pitch_twip // 2),
           para("GWBody", [run(text["objection"])]),
           para("GWSignature", [run(unit)], before=GB9704.line_pitch_twip,
                ind={**no_indent, "right": int(_signature_right_em(unit, date_text) * em)}),
           para("GWDate", [run(date_text)], ind={**no_indent, "right": 4 * em})]
    write_sections(doc, sect, [("portrait", els)])
    set_core_properties(doc, title=title, author=unit, keywords="公示名单", date=date)
    return save_docx(doc)
