"""档案包中的各种文件：按档号命名的文件树、DA/T 46 元数据、归档文件目录与卷内目录（XLSX、PDF）、
备考表（DOCX、PDF）、盒脊标签（PDF）、完整性报告、BagIt 标签文件与移交 zip。"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from docgen.archive.model import COUNTY, Bundle, Item, Volume, mkdir, safe_component, sha256_file
from docgen.archive.profile import RETENTION_ZH, Profile
from docgen.render.ooxml import FIXED_ZIP_TIME

CATALOGUE_COLUMNS = ["序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注"]


def _date8(d: dt.date | None) -> str:
    return d.strftime("%Y%m%d") if d else ""


def write_bundle(bag: Path, b: Bundle, profile: Profile, date: dt.date, *, pdf: bool = True) -> None:
    data = mkdir(bag / "data")
    os.chmod(bag, 0o755)
    limit = profile.data.get("命名", {}).get("最长", 120)
    for it in b.items:
        folder = data / str(it.year) / safe_component(f"{it.category}-{RETENTION_ZH[it.retention]}")
        _place(it, folder, data, limit, date)
    for v in b.volumes:
        folder = (data / str(v.year) / safe_component(f"{v.category}-{RETENTION_ZH[v.retention]}")
                  / safe_component(f"{v.archival_no} {v.head or v.household}", limit))
        for it in v.items:
            _place(it, folder, data, limit, date)
    meta = mkdir(data / "元数据")
    for it in _all_items(b):
        (meta / f"{safe_component(it.archival_no)}.xml").write_text(item_xml(it, profile, b), encoding="utf-8")
    cat = mkdir(data / "目录")
    _catalogue_xlsx(cat / "归档文件目录.xlsx", b, profile)
    _boxes_docx(cat / "备考表.docx", b, profile, date)
    if pdf:
        _catalogue_pdf(cat / "归档文件目录.pdf", b, profile, date)
        if b.volumes:
            _volume_pdf(cat / "卷内目录.pdf", b, profile, date)
        _boxes_pdf(cat / "备考表与盒脊.pdf", b, profile, date)


def _all_items(b: Bundle) -> list[Item]:
    return list(b.items) + [i for v in b.volumes for i in v.items]


def _place(it: Item, folder: Path, data: Path, limit: int, date: dt.date) -> None:
    """把一件放进包：按 档号 + 题名 命名；docgen 自己生成的 PDF 存 PDF/A-2b 保存版，其他文件原样复制。"""
    from docgen.archive.pdfa import to_pdfa

    for parent in reversed(folder.relative_to(data).parents):  # 各层都 755
        mkdir(data / parent)
    mkdir(folder)
    name = safe_component(f"{it.archival_no} {it.doc.title}", limit) + it.doc.source.suffix.lower()
    target = folder / name
    if target.exists():
        raise FileExistsError(f"包内文件名重复：{target}")
    if it.doc.docgen_pdf and it.doc.pdfa:  # 排版时已是 PDF/A-2b：原样作保存版
        blob = it.doc.source.read_bytes()
        target.write_bytes(blob)
        it.doc.note = it.doc.note or "PDF/A-2b 保存版"
    elif it.doc.docgen_pdf:
        to_pdfa(it.doc.source, target, it.doc.title, date)
        it.doc.note = it.doc.note or "PDF/A-2b 保存版"
        blob = target.read_bytes()
    else:
        blob = it.doc.source.read_bytes()
        target.write_bytes(blob)
    it.path = target.relative_to(data.parent).as_posix()
    it.size = len(blob)
    it.sha256 = hashlib.sha256(blob).hexdigest()


def item_xml(it: Item, profile: Profile, b: Bundle) -> str:
    """一件的元数据（DA/T 46-2009 文件实体的核心元素）与归档章各栏。"""
    d = it.doc
    vol = it.volume
    fields = [
        ("聚合层次", "文件"),
        ("来源", [("全宗名称", profile["全宗名称"]), ("立档单位名称", profile["全宗名称"])]),
        ("档号", [("全宗号", profile["全宗号"]), ("年度", str(it.year)), ("保管期限", RETENTION_ZH[it.retention]),
                  ("机构或问题", it.category), ("案卷号", str(vol.number) if vol else ""),
                  ("件号", str(it.number)), ("档号值", it.archival_no)]),
        ("内容描述", [("题名", d.title), ("责任者", d.author), ("日期", _date8(d.date)), ("文件编号", d.doc_no),
                      ("文种", d.doc_type), ("密级", d.secrecy), ("关键词", "精准扶贫")]),
        ("形式特征", [("文件组合类型", "单件"), ("件数", "1"), ("页数", str(d.pages)), ("语种", "汉语")]),
        ("电子属性", [("格式信息", d.source.suffix.lstrip(".").upper()), ("计算机文件名", it.path.split("/")[-1]),
                      ("计算机文件大小", str(it.size))]),
        ("数字摘要", [("算法", "SHA-256"), ("摘要值", it.sha256)]),
        ("归档章", [("全宗号", profile["全宗号"]), ("年度", str(it.year)), ("件号", str(it.number)),
                    ("机构问题", it.category), ("保管期限", RETENTION_ZH[it.retention]), ("页数", str(d.pages))]),
        ("关联", [("村代码", b.village if b.village != COUNTY else ""), ("户编号", d.household),
                  ("盒号", str(it.box)), ("包内路径", it.path)]),
        ("附注", ("追加归档 " + it.added) if it.added else d.note),
    ]

    def render(name, value, indent="  "):
        if isinstance(value, list):
            inner = "".join(render(k, v, indent + "  ") for k, v in value)
            return f"{indent}<{name}>\n{inner}{indent}</{name}>\n"
        return f"{indent}<{name}>{escape(value)}</{name}>\n"

    body = "".join(render(k, v) for k, v in fields)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<文件实体 标准="DA/T 46-2009">\n{body}</文件实体>\n'


def _rows(items: list[Item]) -> list[list]:
    return [[i, it.archival_no, it.doc.doc_no, it.doc.author, it.doc.title, _date8(it.doc.date), it.doc.secrecy,
             it.doc.pages, ("追加 " + it.added) if it.added else it.doc.note] for i, it in enumerate(items, start=1)]


def _units(b: Bundle):
    """按分类单元（年度-类别-期限）分组的件；户卷以案卷为一行。"""
    groups: dict[tuple, list] = {}
    for it in b.items:
        groups.setdefault((it.year, it.category, it.retention), []).append(it)
    for v in b.volumes:
        groups.setdefault((v.year, v.category, v.retention), []).append(v)
    return sorted(groups.items())


def _catalogue_xlsx(path: Path, b: Bundle, profile: Profile) -> None:
    """归档文件目录（每个分类单元一张表；户卷按卷列出，卷内文件另列在“卷内目录”表），另加“文件”列供核对。"""
    from docgen.households.ledger import _save, _sheet, _wb

    wb = _wb()
    for (year, cat, ret), units in _units(b):
        rows = []
        for i, u in enumerate(units, start=1):
            if isinstance(u, Volume):
                rows.append([i, u.archival_no, "", profile["全宗名称"], f"{u.head or u.household}户档案（户编号 {u.household}）",
                             "", "", u.pages, f"卷内 {len(u.items)} 件", ""])
            else:
                rows.append(_rows([u])[0][:1] + _rows([u])[0][1:] + [u.path])
                rows[-1][0] = i
        title = safe_component(f"{year}-{cat}-{RETENTION_ZH[ret]}", 31)
        _sheet(wb, title, f"归档文件目录（{year}年度 {cat} {RETENTION_ZH[ret]}）", CATALOGUE_COLUMNS + ["文件"], rows,
               [6, 30, 14, 18, 40, 10, 6, 6, 14, 50])
    if b.volumes:
        rows = []
        for v in b.volumes:
            for r, it in zip(_rows(v.items), v.items):
                rows.append([v.archival_no] + r + [it.path])
        _sheet(wb, "卷内目录", "卷内目录", ["案卷档号"] + CATALOGUE_COLUMNS + ["文件"], rows,
               [28, 6, 32, 10, 18, 30, 10, 6, 6, 14, 50])
    if not wb.sheetnames:
        _sheet(wb, "归档文件目录", "归档文件目录", CATALOGUE_COLUMNS + ["文件"], [], [6, 30, 14, 18, 40, 10, 6, 6, 14, 50])
    _save(wb, path)


def _pdf(template: str, date: dt.date, **variables) -> bytes:
    """目录、备考表、盒脊的 PDF：Typst（与户档共用本进程的编译器与字体），PDF/A-2b。"""
    from docgen.households.docs import _typst_forms
    from docgen.render.env import templates_dir

    return _typst_forms(templates_dir() / "typst").render(template, variables, date)


def _text_rows(rows: list[list]) -> list[list[str]]:
    return [["" if v is None else str(v) for v in r] for r in rows]


def catalogue_context(b: Bundle, profile: Profile) -> dict:
    """归档文件目录 PDF（archive_catalogue.typ）的数据。"""
    sections = []
    for (year, cat, ret), units in _units(b):
        rows = []
        for i, u in enumerate(units, start=1):
            if isinstance(u, Volume):
                rows.append([i, u.archival_no, "", profile["全宗名称"], f"{u.head or u.household}户档案", "", "", u.pages,
                             f"卷内 {len(u.items)} 件"])
            else:
                r = _rows([u])[0]
                r[0] = i
                rows.append(r)
        sections.append({"title": "归档文件目录", "rows": _text_rows(rows),
                         "subtitle": f"全宗名称：{profile['全宗名称']}　年度：{year}　类别：{cat}　保管期限：{RETENTION_ZH[ret]}"
                                     f"　{b.village_name or ('县级' if b.village == COUNTY else b.village)}"})
    return {"title": "归档文件目录", "sections": sections, "columns": CATALOGUE_COLUMNS, "centred": [0, 5, 6, 7]}


def volume_context(b: Bundle) -> dict:
    """卷内目录 PDF（archive_catalogue.typ）的数据。"""
    sections = [{"title": "卷内目录", "rows": _text_rows(_rows(v.items)),
                 "subtitle": f"案卷档号：{v.archival_no}　户主：{v.head}　户编号：{v.household}　共 {len(v.items)} 件 {v.pages} 页"}
                for v in b.volumes]
    return {"title": "卷内目录", "sections": sections, "columns": CATALOGUE_COLUMNS, "centred": [0, 5, 6, 7]}


def boxes_context(b: Bundle, profile: Profile, date: dt.date) -> dict:
    """备考表与盒脊 PDF（archive_box.typ）的数据。"""
    return {"title": "备考表与盒脊", "boxes": [_box_view(x, profile, date) for x in b.boxes], "fonds": profile["全宗号"]}


def _catalogue_pdf(path: Path, b: Bundle, profile: Profile, date: dt.date) -> None:
    path.write_bytes(_pdf("archive_catalogue.typ", date, **catalogue_context(b, profile)))


def _volume_pdf(path: Path, b: Bundle, profile: Profile, date: dt.date) -> None:
    path.write_bytes(_pdf("archive_catalogue.typ", date, **volume_context(b)))


def typst_sample_contexts(date: dt.date) -> dict[str, dict]:
    """``docgen check-templates`` 试排档案模板用的示例数据：一个村、一卷两件、一件村级文件，装一盒（与建档同一套取数）。"""
    from docgen.archive import boxing
    from docgen.archive.model import Doc
    from docgen.archive.profile import load_profile

    profile = load_profile(None)
    vol = Volume("6102021002010001", "示例", 1, "Z109-WS·2020-Y-HD610202100201-0001", date.year, "贫困户档案", "Y", "HD")
    for n, t in ((1, "申请书"), (2, "户情卡")):
        doc = Doc(Path(f"{t}.pdf"), t, t, "610202100201", vol.household, f"示例{t}", date, "示例单位", pages=1)
        vol.items.append(Item(doc, date.year, "贫困户档案", "Y", "HD", n, f"{vol.archival_no}-{n:03d}", vol))
    doc = Doc(Path("台账.xlsx"), "台账", "台账", "610202100201", "", "示例村台账", date, "示例单位")
    b = Bundle("610202100201", "示例村", items=[Item(doc, date.year, "精准帮扶类", "D30", "BF", 1,
                                                 "Z109-WS·2020-D30-BF610202100201-0001")], volumes=[vol])
    boxing.box_units(b, profile)
    return {"archive_catalogue.typ": catalogue_context(b, profile), "archive_box.typ": boxes_context(b, profile, date)}


def _box_view(box, profile: Profile, date: dt.date) -> dict:
    first, last = box.first_last
    notes = []
    for u in box.units:
        items = u.items if isinstance(u, Volume) else [u]
        for it in items:
            if it.added:
                notes.append(f"{it.added} 追加归档：{it.archival_no} {it.doc.title}")
    return {"number": box.number, "year": box.year, "category": box.category, "retention_zh": RETENTION_ZH[box.retention],
            "count": len(box.units), "unit": "卷" if isinstance(box.units[0], Volume) else "件", "pages": box.pages,
            "first": first, "last": last, "first_no": box.units[0].number, "last_no": box.units[-1].number,
            "spine": box.spine_mm, "notes": notes, "arranger": "", "date": date.strftime("%Y年%m月%d日")}


def _boxes_pdf(path: Path, b: Bundle, profile: Profile, date: dt.date) -> None:
    path.write_bytes(_pdf("archive_box.typ", date, **boxes_context(b, profile, date)))


def _boxes_docx(path: Path, b: Bundle, profile: Profile, date: dt.date) -> None:
    """备考表的 Word 版：与 PDF 同样的版式——每盒一页，盒内情况说明写在 120 mm 高的方框里；备考表不是公文，
    页脚没有公文页码。"""
    import copy

    from docx.oxml.ns import qn

    from docgen.layout import GB9704, mm, twip
    from docgen.render.docx import open_template, save_docx, table_frame, write_sections
    from docgen.render.ooxml import el, para, run

    doc, sect = open_template()
    portrait = copy.deepcopy(sect["portrait"])
    for ref in portrait.findall(qn("w:footerReference")) + portrait.findall(qn("w:headerReference")):
        portrait.remove(ref)
    width = twip(mm(GB9704.block_w_mm))
    els = []
    for i, box in enumerate(b.boxes):
        v = _box_view(box, profile, date)
        els.append(para("GWTitle", [run("备考表")], page_break_before=i > 0, after=579))
        els.append(para("GWBody", [run(f"盒号：{v['number']}　年度：{v['year']}　保管期限：{v['retention_zh']}　类别：{v['category']}")]))
        tbl, cols = table_frame(width, [1.0])
        lines = [f"盒内文件情况说明：本盒共 {v['count']} {v['unit']}，{v['pages']} 页，档号 {v['first']} 至 {v['last']}。",
                 *v["notes"]]
        tbl.append(el("w:tr", None, el("w:trPr", None, el("w:trHeight", {"val": twip(mm(120)), "hRule": "exact"})),
                      el("w:tc", None, el("w:tcPr", None, el("w:tcW", {"w": cols[0], "type": "dxa"})),
                         *[para("GWBody", [run(x)], ind={"firstLine": 0}) for x in lines])))
        els.append(tbl)
        els.append(para("GWBody", [run(f"整理人：{v['arranger']}　　　　　整理日期：{v['date']}")], before=579))
        els.append(para("GWBody", [run("检查人：　　　　　检查日期：")]))
    if not els:
        els.append(para("GWBody", [run("（无）")]))
    write_sections(doc, {**sect, "portrait": portrait}, [("portrait", els)])
    doc.core_properties.title = "备考表"
    path.write_bytes(save_docx(doc))


def write_completeness(path: Path, rows, unknown) -> None:
    """完整性报告。`rows` 可以是生成器（逐村汇成，几万户也不整个放进内存）。`unknown`：[(文件, 原因)] 或 [文件]。"""
    from docgen.households.ledger import _red_rule, _save, _sheet, _wb

    wb = _wb(write_only=True)
    ws, _, last = _sheet(wb, "完整性", "归档材料完整性报告", ["村", "范围", "编号", "名称", "结论", "缺少", "重复"], rows,
                      [14, 6, 20, 16, 10, 50, 20])
    _red_rule(ws, f"A3:G{last}", '$E3="不齐全"')
    _sheet(wb, "未归档文件", "未归档的文件", ["文件", "原因"],
           [[str(p[0]), p[1]] if isinstance(p, (tuple, list)) else [str(p), "认不出文件类型"] for p in unknown], [80, 50])
    _save(wb, path)


# ------------------------------------------------------------------ BagIt


def write_bag(bag: Path, b: Bundle, profile: Profile, date: dt.date, year: int) -> None:
    """BagIt 1.0：bagit.txt、bag-info.txt（全宗号、年度、村代码等）、manifest-sha256.txt、tagmanifest-sha256.txt。
    清单按路径排序、不写当前时间，同样的内容得到同样的字节。"""
    files = sorted(p for p in (bag / "data").rglob("*") if p.is_file())
    known = {it.path: (it.sha256, it.size) for it in _all_items(b) if it.sha256}  # 放入时已算过
    lines = []
    octets = 0
    for p in files:
        rel = p.relative_to(bag).as_posix()
        digest, size = known.get(rel) or (sha256_file(p), p.stat().st_size)
        octets += size
        lines.append(f"{digest}  {_encode(rel)}")
    (bag / "bagit.txt").write_text("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", encoding="utf-8")
    info = [("Source-Organization", profile["全宗名称"]), ("Bagging-Date", date.isoformat()),
            ("Payload-Oxum", f"{octets}.{len(files)}"), ("External-Identifier", f"{profile['全宗号']}-{year}-{b.village}"),
            ("Bag-Group-Identifier", f"{profile['全宗号']}-{year}"), ("全宗号", profile["全宗号"]),
            ("全宗名称", profile["全宗名称"]), ("年度", str(year)), ("村代码", b.village if b.village != COUNTY else ""),
            ("村名称", b.village_name), ("整理方案", profile.name), ("件数", str(len(b.items))),
            ("卷数", str(len(b.volumes))), ("盒数", str(len(b.boxes)))]
    # 值里的换行、控制字符会把一条标签拆成坏行（村名里有换行时 bagit 就拒收）：都换成空格
    (bag / "bag-info.txt").write_text("".join(f"{k}: {' '.join(str(v).split())}\n" for k, v in info), encoding="utf-8")
    (bag / "manifest-sha256.txt").write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    tags = []
    for name in ("bag-info.txt", "bagit.txt", "manifest-sha256.txt"):
        tags.append(f"{hashlib.sha256((bag / name).read_bytes()).hexdigest()}  {name}")
    (bag / "tagmanifest-sha256.txt").write_text("".join(x + "\n" for x in tags), encoding="utf-8")


def _encode(path: str) -> str:
    return path.replace("%", "%25").replace("\n", "%0A").replace("\r", "%0D")


STORED = (".pdf", ".docx", ".xlsx", ".zip", ".png", ".jpg", ".jpeg")  # 本身已压缩：zip 中原样存放，不再压一遍


def zip_dir(src: Path, target: Path) -> None:
    """移交用 zip：成员按路径排序、时间戳固定；已压缩的格式（PDF、Office 文件、图片）不再压缩。"""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(src.rglob("*")):
            if p.is_file():
                zi = zipfile.ZipInfo(f"{src.name}/{p.relative_to(src).as_posix()}", date_time=FIXED_ZIP_TIME)
                zi.compress_type = zipfile.ZIP_STORED if p.suffix.lower() in STORED else zipfile.ZIP_DEFLATED
                zi.external_attr = 0o644 << 16
                zi.flag_bits |= 0x800  # 文件名为 UTF-8
                with p.open("rb") as fh:
                    z.writestr(zi, fh.read(), compresslevel=6)


