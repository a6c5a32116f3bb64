"""户档文书：收入核算表、户情卡（DOCX 用 docxtpl 模板，PDF 用 Typst 模板），以及退出公示名单。
公示用的文书身份证号一律打码（默认前 6 后 4，可配置）；内部使用的户档保留完整号码。"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from docgen.households.compute import (
    DIMENSIONS,
    Assessment,
    Settings,
    mask_id,
    mask_phone,
)
from docgen.model.base import format_date
from docgen.render.ooxml import deterministic_zip

CONTEXT_COMMON = {"year", "hh_id", "township", "village", "group", "head", "head_id", "size", "attribute", "status",
                  "cause", "phone", "per_capita", "line", "verdict", "date", "notes"}
DOCX_CONTEXT_KEYS = {
    "household_income.docx": CONTEXT_COMMON | {"items", "gross", "expense", "net"},
    "household_card.docx": CONTEXT_COMMON | {"members", "checks"},
    "notice.docx": None,
}


DOC_KINDS = {  # 户档文书种类 → (模板，相对于模板目录；文件名后缀)
    "收入核算表.docx": ("docx/household_income.docx", "收入核算表.docx"),
    "户情卡.docx": ("docx/household_card.docx", "户情卡.docx"),
    "收入核算表.pdf": ("typst/household_income.typ", "收入核算表.pdf"),
    "户情卡.pdf": ("typst/household_card.typ", "户情卡.pdf"),
}


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

    def render(self, kind: str, ctx: dict) -> bytes:
        template = DOC_KINDS[kind][0]
        if kind.endswith(".docx"):
            if kind not in self._docx:
                from docgen.render.fastdocx import CompiledDocx

                self._docx[kind] = CompiledDocx(self.templates / template)
            return self._docx[kind].render(ctx)
        if self._typst is None:
            from docgen.fonts import FontSet
            from docgen.render.typst_engine import TypstForms

            self._typst = TypstForms(self.templates / "typst", FontSet())
        return self._typst.render(template.split("/", 1)[1], ctx, dt.date(int(ctx["year"] or 2020), 12, 31))


def _money(x: float | None) -> str:
    return "" if x is None else f"{x:,.2f}"


def household_context(a: Assessment, settings: Settings, public: bool = False, date: dt.date | None = None) -> dict:
    """户档模板的变量。`public` 为真时（公示）身份证号、电话打码。"""
    h, r = a.household, a.income
    mid = (lambda s: mask_id(s, settings)) if public else (lambda s: s)
    verdict = "—"
    if r is not None and r.line is not None:
        verdict = "低于贫困线" if a.below_line else ("达标（低于监测线，需持续关注）" if "低于监测线" in a.flags else "达标")
    items = []
    if r is not None:
        cur = next(i for i in h.incomes if i.year == r.year)
        for it in cur.items:
            items.append({"category": it.category, "name": it.name, "amount": _money(it.amount), "note": it.note})
    return {
        "year": r.year if r else "", "hh_id": h.hh_id, "township": h.township, "village": h.village, "group": h.group,
        "head": h.head.name, "head_id": mid(h.head.id_number), "size": h.size, "attribute": h.attribute,
        "status": h.status, "cause": h.cause, "phone": mask_phone(h.head.phone) if public else h.head.phone,
        "items": items, "gross": _money(r.gross if r else None), "expense": _money(r.expense if r else None),
        "net": _money(r.net if r else None), "per_capita": _money(r.per_capita if r else None),
        "line": _money(r.line if r else None), "verdict": verdict,
        "date": format_date(date or dt.date((r.year if r else 2020), 12, 31)),
        "notes": "；".join(a.notes + [f"{x}" for x in a.flags if x != "低于贫困线"]),
        "members": [{"name": m.name, "relation": m.relation, "sex": m.sex, "id": mid(m.id_number), "health": m.health,
                     "education": m.education or m.schooling, "labour": m.labour} for m in h.members],
        "checks": [{"name": d, "result": "否" if d in a.failures else "是", "reason": "；".join(a.failures.get(d, []))}
                   for d in DIMENSIONS],
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


def render_pdf(template_name: str, fonts, date: dt.date, **variables) -> bytes:
    """用 templates/html/ 中的模板排 PDF（字体按本机解析）。"""
    from docgen.render.env import make_env, templates_dir
    from docgen.render.pdf import _layout, _write, font_families

    html = make_env(str(templates_dir() / "html")).get_template(template_name).render(f=font_families(fonts), **variables)
    return _write(_layout(html, templates_dir(), fonts, []), date)


def gongshi_rows(assessments: list[Assessment], settings: Settings) -> list[dict]:
    """退出公示名单：尚未脱贫、收入达标且两不愁三保障全部达标的户（拟退出），身份证号打码。"""
    rows = []
    for a in assessments:
        h = a.household
        if h.status in ("未脱贫", "返贫") and a.passes and a.income is not None:
            rows.append({"village": h.village, "group": h.group, "head": h.head.name,
                         "id": mask_id(h.head.id_number, settings), "size": h.size,
                         "per_capita": _money(a.income.per_capita), "cause": h.cause})
    return rows
