"""模板只编译一次的 DOCX 渲染：docxtpl 每次渲染都要重新解析、修补、编译模板（约 80% 的时间），
这里在加载时做一次（用 docxtpl 自己的预处理，保证与 docxtpl 的结果相同），之后每户只渲染正文 XML，
其余 zip 成员按预先压缩好的字节原样写出。"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

from jinja2.sandbox import ImmutableSandboxedEnvironment

DOS_TIME, DOS_DATE = 0, (0 << 9) | (1 << 5) | 1  # 1980-01-01 00:00:00


class _Member:
    __slots__ = ("name", "data", "crc", "size")

    def __init__(self, name: str, raw: bytes):
        self.name = name.encode("utf-8")
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.data = c.compress(raw) + c.flush()
        self.crc = zlib.crc32(raw)
        self.size = len(raw)


def _zip(members: list[_Member]) -> bytes:
    """写 zip（deflate、固定时间戳、UTF-8 文件名标志）；与 zipfile 写出的格式相同，但不再压缩已压缩好的成员。"""
    out = bytearray()
    central = bytearray()
    for m in members:
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, DOS_TIME, DOS_DATE, m.crc, len(m.data), m.size,
                           len(m.name), 0) + m.name + m.data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, 8, DOS_TIME, DOS_DATE, m.crc,
                               len(m.data), m.size, len(m.name), 0, 0, 0, 0, 0o644 << 16, offset) + m.name
    out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central),
                                 len(out), 0)
    return bytes(out)


class CompiledDocx:
    """一个 docxtpl 模板，编译一次，渲染多次。值一律转义；模板在沙箱中运行。"""

    def __init__(self, path: Path):
        from docxtpl import DocxTemplate

        self.path = Path(path)
        tpl = DocxTemplate(str(self.path))
        tpl.init_docx()
        self._tpl = tpl
        body = tpl.patch_xml(tpl.get_xml())
        body = re.sub(r"<w:p([ >])", r"\n<w:p\1", body)
        env = ImmutableSandboxedEnvironment(autoescape=True)
        self.template = env.from_string(body)
        with zipfile.ZipFile(self.path) as z:
            names = z.namelist()
            self.doc_xml = z.read("word/document.xml").decode("utf-8")
            self.members = {n: _Member(n, z.read(n)) for n in names if n != "word/document.xml"}
            self.order = names
        m = re.search(r"<w:body>|<w:body [^>]*>", self.doc_xml)
        e = self.doc_xml.rfind("</w:body>")
        if not m or e < 0:
            raise ValueError(f"{self.path}: 不是有效的 Word 模板（没有 w:body）")
        self.prefix, self.suffix = self.doc_xml[: m.start()], self.doc_xml[e + len("</w:body>"):]

    def render_body(self, ctx: dict) -> str:
        """渲染正文（与 docxtpl 的 render_xml_part 相同的前后处理）。"""
        xml = self.template.render(ctx)
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        return self._tpl.resolve_listing(xml)

    def render(self, ctx: dict) -> bytes:
        body = self.render_body(ctx)
        # 去掉 get_xml() 给正文加的命名空间声明（正文放回 w:document 内由外层声明）
        body = re.sub(r'^<w:body(?: xmlns:\w+="[^"]*")*>', "<w:body>", body, count=1)
        doc = (self.prefix + body + self.suffix).encode("utf-8")
        members = []
        for n in self.order:
            members.append(_Member(n, doc) if n == "word/document.xml" else self.members[n])
        return _zip(members)
