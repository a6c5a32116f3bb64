"""收集要归档的文件：扫描文件夹，按清单表或命名规则认出每个文件属于哪一户（或哪个村）、是什么文件类型。"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from docgen.archive.model import Collection, Doc
from docgen.archive.profile import Profile
from docgen.errors import InputError, Location

SKIP_SUFFIX = {".part", ".tmp", ".json"}
FORMAT_RANK = {".pdf": 0, ".ofd": 1, ".docx": 2, ".doc": 3, ".xlsx": 4, ".xls": 5, ".tif": 6, ".tiff": 6, ".jpg": 7,
               ".jpeg": 7, ".png": 7}


def inspect(path: Path) -> tuple[int, bool, bool]:
    """（页数, 是否 docgen 生成的 PDF, 是否已是 PDF/A-2）：PDF 读页树、Creator 与 XMP 中的 pdfaid；
    Word 读文档属性中的页数；其他按 1 页。"""
    if path.suffix.lower() == ".pdf":
        try:
            import pikepdf

            with pikepdf.open(path) as pdf:
                info = pdf.docinfo
                made = str(info.get("/Creator", "")) == "docgen" or "docgen" in str(info.get("/Keywords", ""))
                pdfa = made and "/OutputIntents" in pdf.Root and _pdfa_part(pdf) == "2"
                return len(pdf.pages), made, pdfa
        except Exception:
            return 1, False, False
    return count_pages(path), False, False


def _pdfa_part(pdf) -> str:
    meta = pdf.Root.get("/Metadata")
    if meta is None:
        return ""
    m = re.search(rb"pdfaid:part(?:>|=\")\s*(\d)", meta.read_bytes())
    return m.group(1).decode() if m else ""


def count_pages(path: Path) -> int:
    """页数：PDF 读页树；Word 读文档属性中的页数（没有则按 1）；图片与表格按 1。"""
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            return inspect(path)[0]
        if suffix == ".docx":
            import zipfile

            with zipfile.ZipFile(path) as z:
                if "docProps/app.xml" in z.namelist():
                    m = re.search(rb"<Pages>(\d+)</Pages>", z.read("docProps/app.xml"))
                    if m:
                        return max(1, int(m.group(1)))
    except Exception:
        return 1
    return 1


def _manifest(path: Path) -> dict[str, dict]:
    """清单表（xlsx/csv）：列 文件、户编号、村代码、文件类型、题名、日期、责任者、文号、密级、页数、备注。"""
    rows: list[tuple[int, dict]] = []
    if path.suffix.lower() == ".csv":
        import csv
        import io

        data = path.read_bytes()
        text = data.decode("utf-8-sig") if not data.startswith(b"\xff") else data.decode("utf-16")
        reader = list(csv.reader(io.StringIO(text)))
        header = reader[0]
        rows = [(i, dict(zip(header, r))) for i, r in enumerate(reader[1:], start=2)]
    else:
        import openpyxl

        ws = openpyxl.load_workbook(path, read_only=True, data_only=True).worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = [str(h or "").strip() for h in next(it)]
        rows = [(i, dict(zip(header, r))) for i, r in enumerate(it, start=2)]
    if "文件" not in header:
        raise InputError(f"{Location(path.name, None, 1, '文件')}: 清单表缺少“文件”列（相对于来源文件夹的路径）")
    out = {}
    for i, r in rows:
        f = str(r.get("文件") or "").strip()
        if f:
            out[unicodedata.normalize("NFC", f.replace("\\", "/"))] = {**{k: v for k, v in r.items() if v not in (None, "")}, "_row": i}
    return out


def collect(sources: list[Path], profile: Profile, *, manifest: Path | None = None, data_files: list[Path] = (),
            year: int, default_date: dt.date, known: tuple[dict, dict] | None = None) -> Collection:
    """清点来源：文件夹（递归）或单个文件（如批处理输出目录里的“全县汇总.xlsx”）。
    `known` = (户编号 → {head, village, village_name}, 村代码 → 村名)：调用者已校验过数据时直接给出，不再读表。
    件的稳定标识是“来源文件夹名/相对路径”（单个文件为文件名），与批处理交来的相同。"""
    col = Collection()
    if known is not None:
        col.households.update(known[0])
        col.villages.update(known[1])
    elif data_files:
        from docgen.households.stage import staged
        from docgen.settings import load_settings

        # 与批处理同一条流水线、同一份 docgen.yml（列名映射、基准日期）认户
        with staged(list(data_files), load_settings(None), period=(year, 12)) as stg:
            for code in stg.codes():
                col.households.update(stg.household_index(code))
            col.villages.update(stg.village_names())
    man = _manifest(manifest) if manifest else {}
    from docgen.batch.plan import unit_names
    from docgen.util.fs import safe_filename

    # 认村：先按批处理写文件名时的写法（batch.plan 决定：村名里的“/”“:”换成“_”、撞名时加村代码），再按村名原文
    # 与批处理同样从各户的（村名, 村代码）算（Staging.units()），村名单里的名字只作补充
    units = sorted({(h["village_name"], h["village"]) for h in col.households.values() if h.get("village_name")}
                   | {(n, c) for c, n in col.villages.items() if n})
    forms = unit_names(units)
    name_to_code = {safe_filename(forms[u]): u[1] for u in units}
    for c, n in col.villages.items():
        if n:
            name_to_code.setdefault(n, c)
    rx = profile.household_regex
    seen: dict[str, Path] = {}
    for root in sources:
        if root.is_file():
            candidates, base = [root], root.parent
        elif root.is_dir():
            candidates, base = sorted(root.rglob("*")), root
        else:
            raise InputError(f"{root}: 来源文件夹（或文件）不存在")
        files = [p for p in candidates
                 if p.is_file() and not p.name.startswith(".") and p.suffix.lower() not in SKIP_SUFFIX]
        # 同一文件的几种格式（如 .docx 与 .pdf）只归档一份：按 PDF、OFD、Word、表格、图片的顺序取
        best: dict[tuple, Path] = {}
        for p in files:
            k = (p.parent, unicodedata.normalize("NFC", p.stem))
            if k in best and best[k].suffix.lower() == p.suffix.lower():
                raise InputError(f"{p}: 与 {best[k]} 的文件名只差在 Unicode 规范化形式（NFC/NFD）上，无法区分，请改名")
            if k not in best or FORMAT_RANK.get(p.suffix.lower(), 9) < FORMAT_RANK.get(best[k].suffix.lower(), 9):
                best[k] = p
        for p in files:
            if best[(p.parent, unicodedata.normalize("NFC", p.stem))] != p:
                continue
            rel = unicodedata.normalize("NFC", p.relative_to(base).as_posix())
            key = rel if base is not root else f"{root.name}/{rel}"
            if key in seen and seen[key] != p:
                raise InputError(f"{p}: 与 {seen[key]} 的文件名只差在 Unicode 规范化形式（NFC/NFD）上，无法区分，请改名")
            seen[key] = p
            info = man.get(rel, {})
            text = unicodedata.normalize("NFC", rel)
            doc_type = str(info.get("文件类型") or "") or profile.classify(p.stem)
            if manifest and info and doc_type and doc_type not in profile["文件类型"]:
                raise InputError(f"{Location(manifest.name, None, info['_row'], '文件类型')}: 方案中没有文件类型“{doc_type}”，"
                                 f"可用：{'、'.join(profile['文件类型'])}")
            if not doc_type:
                col.unknown.append(p)
                continue
            hh = str(info.get("户编号") or "")
            if not hh:
                m = rx.search(p.name)
                hh = m.group("户编号") if m else ""
            village = str(info.get("村代码") or "") or (hh[:12] if hh else "")
            if not village:
                village = next((c for n, c in sorted(name_to_code.items(), key=lambda x: -len(x[0])) if n in text), "")
            if hh and hh not in col.households:
                col.households[hh] = {"head": "", "village": hh[:12], "village_name": col.villages.get(hh[:12], "")}
            head = col.households.get(hh, {}).get("head", "")
            title = str(info.get("题名") or "") or doc_title(p.stem, doc_type, head, bool(hh))
            date = info.get("日期")
            if isinstance(date, dt.datetime):
                date = date.date()
            elif isinstance(date, str) and date:
                from docgen.model.base import parse_date

                try:
                    date = parse_date(date)
                except ValueError:
                    raise InputError(f"{Location(manifest.name, None, info['_row'], '日期')}: 日期无效：{date!r}") from None
            pages, made_by_docgen, pdfa = inspect(p)
            col.docs.append(make_doc(profile, p, key, doc_type, village, hh, title, date or default_date,
                                     int(info.get("页数") or pages), made_by_docgen, pdfa, info))
    return col


def make_doc(profile: Profile, source: Path, key: str, doc_type: str, village: str, household: str, title: str,
             date: dt.date, pages: int, docgen_pdf: bool, pdfa: bool, info: dict | None = None,
             sha256: str = "") -> Doc:
    """一件待归档的文件：清点文件夹与批处理交来的文书都由这里建（责任者等取法只有一处）。"""
    info = info or {}
    return Doc(source=source, key=key, doc_type=doc_type, village=village, household=household, title=title, date=date,
               author=str(info.get("责任者") or profile.doc_type(doc_type).get("责任者") or profile["全宗名称"]),
               doc_no=str(info.get("文号") or ""), secrecy=str(info.get("密级") or ""), pages=pages,
               note=str(info.get("备注") or ""), docgen_pdf=docgen_pdf, pdfa=pdfa, sha256=sha256)


def doc_title(stem: str, doc_type: str, head: str = "", household: bool = False) -> str:
    """题名：由文件名得出（去掉开头的户编号、户主姓名）；户卷里的件前加户主姓名，如“张三户情卡”。
    批处理交来的户档与在文件夹里清点到的同一文件得到同一个题名。"""
    label = re.sub(r"^\d{12,16}[-_ ]*", "", stem)
    if household and head and label.startswith(head):
        label = label[len(head):].lstrip("-_ ")
    label = label or doc_type
    return f"{head}{label}" if household else label
