"""PDF/A 的 XMP 元数据：与文档信息字典逐项一致（PDF/A 要求），只用预定义的命名空间（dc、xmp、pdf、pdfaid），
不需要扩展模式说明。户档的 Typst PDF 与档案整理的 PDF/A 保存版都用它。"""

from __future__ import annotations


def _x(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def xmp_packet(info: dict[str, str], iso: str) -> bytes:
    """与文档信息字典一一对应的 XMP（PDF/A 要求两处一致）：题名、作者、关键词、创建工具、生成工具、日期与 pdfaid。
    直接写出整个包，比逐项改 XMP 快得多（每份 PDF 都要做一次）。"""
    parts = []
    if info.get("/Title"):
        parts.append(f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{_x(info["/Title"])}</rdf:li></rdf:Alt></dc:title>')
    if info.get("/Author"):
        parts.append(f"<dc:creator><rdf:Seq><rdf:li>{_x(info['/Author'])}</rdf:li></rdf:Seq></dc:creator>")
    if info.get("/Subject"):
        parts.append(f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{_x(info["/Subject"])}</rdf:li></rdf:Alt>'
                     f"</dc:description>")
    if info.get("/Keywords"):
        parts.append(f"<pdf:Keywords>{_x(info['/Keywords'])}</pdf:Keywords>")
    if info.get("/Creator"):
        parts.append(f"<xmp:CreatorTool>{_x(info['/Creator'])}</xmp:CreatorTool>")
    if info.get("/Producer"):
        parts.append(f"<pdf:Producer>{_x(info['/Producer'])}</pdf:Producer>")
    parts.append(f"<xmp:CreateDate>{iso}</xmp:CreateDate><xmp:ModifyDate>{iso}</xmp:ModifyDate>"
                 f"<xmp:MetadataDate>{iso}</xmp:MetadataDate>")
    parts.append("<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>")
    body = "".join(parts)
    return (f'<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
            f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            f'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            f'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" '
            f'xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">{body}</rdf:Description></rdf:RDF></x:xmpmeta>'
            f'<?xpacket end="w"?>').encode("utf-8")


def pdf_date_to_iso(d: str) -> str:
    """D:20201231000000Z → 2020-12-31T00:00:00Z（只认 docgen 自己写的 UTC 写法）。"""
    d = d[2:] if d.startswith("D:") else d
    d = (d + "00000000000000")[:14]
    return f"{d[0:4]}-{d[4:6]}-{d[6:8]}T{d[8:10]}:{d[10:12]}:{d[12:14]}Z"
