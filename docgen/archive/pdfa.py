"""把 docgen 自己生成的 PDF 转成 PDF/A-2b 保存版：加 sRGB 输出意图、XMP 中的 pdfaid 与一致的文档信息。

docgen 的 PDF 由 WeasyPrint 生成，字体已全部嵌入、没有加密和脚本，所以补上输出意图与元数据即可满足 PDF/A-2b
的要求（GB/T 23286 / ISO 19005-2）。别人提供的 PDF（扫描件等）不改动，原样归档。
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

ICC = None


def _icc() -> bytes:
    global ICC
    if ICC is None:
        import weasyprint

        ICC = (Path(weasyprint.__file__).parent / "pdf" / "sRGB2014.icc").read_bytes()
    return ICC


from docgen.render.xmp import xmp_packet  # noqa: E402


def to_pdfa(src: Path, dst: Path, title: str, date: dt.date) -> None:
    """写出 PDF/A-2b 版本（确定性：日期取归档日期，文件标识由内容决定）。"""
    import hashlib

    import pikepdf

    data = src.read_bytes()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        icc = pdf.make_stream(_icc())
        icc["/N"] = 3
        pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1,
            OutputConditionIdentifier=pikepdf.String("sRGB IEC61966-2.1"), Info=pikepdf.String("sRGB IEC61966-2.1"),
            DestOutputProfile=icc)])
        stamp = date.strftime("D:%Y%m%d000000Z")
        info = {k: str(v) for k, v in pdf.docinfo.items() if k in ("/Author", "/Subject", "/Keywords", "/Creator")}
        info.update({"/Title": title, "/Producer": "docgen (pikepdf)"})
        info.setdefault("/Creator", "docgen")
        for k in list(pdf.docinfo.keys()):
            del pdf.docinfo[k]
        for k, v in info.items():
            pdf.docinfo[k] = pikepdf.String(v)
        pdf.docinfo["/CreationDate"] = pikepdf.String(stamp)
        pdf.docinfo["/ModDate"] = pikepdf.String(stamp)
        meta = pdf.make_stream(xmp_packet(info, date.strftime("%Y-%m-%dT00:00:00Z")))
        meta["/Type"] = pikepdf.Name.Metadata
        meta["/Subtype"] = pikepdf.Name.XML
        pdf.Root.Metadata = meta
        for page in pdf.pages:  # PDF/A：注释须可打印
            for annot in page.get("/Annots", []):
                annot["/F"] = 4
        ident = hashlib.md5(data).digest()  # noqa: S324 - 只是文件标识，不作安全用途
        pdf.trailer["/ID"] = pikepdf.Array([pikepdf.String(ident), pikepdf.String(ident)])
        pdf.save(dst, static_id=True, deterministic_id=False, fix_metadata_version=False, linearize=False,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
