"""``docgen ledger``：校验 → 核算与检查 → 台账、户档文书、公示名单。输入有误时一个文件都不写。"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

from docgen.errors import InputError
from docgen.households.compute import Assessment, Settings, assess
from docgen.households.validate import validate_paths
from docgen.util.fs import safe_filename

safe_name = safe_filename  # 户档、台账的文件名


def assess_all(ds, settings: Settings, year: int | None = None) -> list[Assessment]:
    return [assess(h, settings, year) for h in ds.households]


def build_ledgers(paths: list[Path], out: Path, *, docs: tuple[str, ...] = ("docx", "pdf"), settings: Settings | None = None,
                  report_date: dt.date | None = None, progress=None) -> dict:
    """写出台账、户档与公示名单到 `out`，返回统计。数据有错误时抛出 InputError（不写任何文件）。"""
    from docgen.households.ledger import county_summary, village_ledger

    settings = settings or Settings()
    report = validate_paths(paths)
    if report.errors:
        raise InputError(f"数据有 {len(report.errors)} 个错误，未生成台账（先用 docgen check 查看并改正）", report.errors)
    ds = report.dataset
    assessments = assess_all(ds, settings)
    years = [a.income.year for a in assessments if a.income]
    report_date = report_date or dt.date(max(years) if years else dt.date.today().year, 12, 31)
    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".docgen-ledger-", dir=out))
    try:
        by_village: dict[tuple[str, str], list[Assessment]] = defaultdict(list)
        for a in assessments:
            by_village[(a.household.village, a.household.village_code)].append(a)
        (stage / "台账").mkdir()
        for (village, code), items in sorted(by_village.items()):
            village_ledger(village, code, items, ds.problems, settings, report_date, stage / "台账" / f"{safe_name(village)}台账.xlsx")
        county_summary(assessments, ds.problems, stage / "全县汇总.xlsx")
        n_docs = _documents(assessments, settings, stage, docs, progress)
        _gongshi(assessments, settings, stage, docs)
        # 全部生成成功后再移入输出目录（同一文件系统内的原子改名）
        for src in sorted(stage.rglob("*")):
            if src.is_file():
                dst = out / src.relative_to(stage)
                dst.parent.mkdir(parents=True, exist_ok=True)
                os.replace(src, dst)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return {"households": len(assessments), "villages": len(by_village), "documents": n_docs,
            "below_line": sum(a.below_line for a in assessments), "passing": sum(a.passes for a in assessments),
            "warnings": len(report.warnings)}


def _documents(assessments, settings, stage: Path, docs, progress) -> int:
    from docgen.households.docs import HouseholdForms, household_context, kinds_for
    from docgen.render.env import templates_dir

    kinds = kinds_for(docs)
    if not kinds:
        return 0
    forms = HouseholdForms(templates_dir())
    n = 0
    for a in assessments:
        h = a.household
        folder = stage / "户档" / safe_name(h.village)
        folder.mkdir(parents=True, exist_ok=True)
        ctx = household_context(a, settings, public=False)
        base = safe_name(f"{h.hh_id}-{h.head.name}")
        for kind in kinds:
            if kind.startswith("收入核算表") and a.income is None:
                continue
            (folder / f"{base}-{kind}").write_bytes(forms.render(kind, ctx))
            n += 1
        if progress:
            progress()
    return n


def _gongshi(assessments, settings, stage: Path, docs) -> None:
    """拟退出户公示名单（身份证号打码）。"""
    from docgen.households.docs import gongshi_rows, render_pdf

    rows = gongshi_rows(assessments, settings)
    years = [a.income.year for a in assessments if a.income]
    year = max(years) if years else 2020
    title = f"{year}年拟退出贫困户公示名单"
    intro = "经民主评议、村两委和驻村工作队核实、贫困户确认，以下贫困户拟于本年度退出，现予公示。"
    (stage / "公示").mkdir(exist_ok=True)
    if "pdf" in docs:
        from docgen.fonts import FontSet

        (stage / "公示" / f"{title}.pdf").write_bytes(
            render_pdf("gongshi.html", FontSet(), dt.date(year, 12, 31), title=title, intro=intro, rows=rows))
    if "docx" in docs or not docs:
        (stage / "公示" / f"{title}.docx").write_bytes(_gongshi_docx(title, intro, rows))


def _gongshi_docx(title: str, intro: str, rows: list[dict]) -> bytes:
    from docgen.layout import GB9704, mm, twip
    from docgen.model.table import Table
    from docgen.render.docx import _table, open_template, save_docx, write_sections
    from docgen.render.ooxml import para, run

    doc, sect = open_template()
    cols = ["序号", "村", "组", "户主姓名", "证件号码", "家庭人口数", "人均纯收入（元）", "主要致贫原因"]
    data = [[str(i), r["village"], r["group"], r["head"], r["id"], str(r["size"]), r["per_capita"], r["cause"]]
            for i, r in enumerate(rows, start=1)] or [["", "（无）", "", "", "", "", "", ""]]
    table = Table.model_validate({"列": cols, "行": data, "列宽": [1, 2, 1, 2.4, 3.4, 1.4, 2, 2]})
    els = [para("GWTitle", [run(title)], after=GB9704.line_pitch_twip), para("GWBody", [run(intro)]),
           _table(table, twip(mm(GB9704.block_w_mm))),
           para("GWBody", [run("公示期为 7 天。如有异议，请在公示期内向村委会或驻村工作队反映。")])]
    write_sections(doc, sect, [("portrait", els)])
    doc.core_properties.title = title
    return save_docx(doc)
