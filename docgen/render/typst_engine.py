"""户档表格的批量 PDF：Typst（编译型排版引擎）。每个进程每个模板只建一次编译器（字体只加载一次），
每户只换数据（JSON）。
输出直接是 PDF/A-2b（Typst 检查合规：字体全部嵌入、sRGB 输出意图、pdfaid），档案整理时原样作保存版，不再转一遍；
收进对象流时把 Typst 的 XMP 换成与文档信息逐项一致的精简写法（省约 4 KB，一页户档仍在 50 KB 以内）。一页表格约 3 ms、约 20 KB；WeasyPrint 每户一次约 170 ms、约 200 KB。

字体按 :class:`docgen.fonts.FontSet` 的回退顺序取 Typst 认得的族名（Typst 用字体文件里的族名，如 “FandolFang R”）。
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

from docgen.errors import RenderError
from docgen.fonts import FontSet

FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".local/share/fonts"))


_SAFE_NAME = re.compile(r"[A-Za-z0-9_.-]+\.typ")


class TypstForms:
    """一个模板目录一个 Typst 编译器：入口是按 ``sys.inputs.form`` 选模板的一小段源码（include 该模板），
    所以全部户档表格与公示名单共用一个编译器——字体每个进程只加载一次（每个编译器要约 85 MB）。"""

    def __init__(self, templates: Path, fonts: FontSet, *, compact_pdf: bool = True, pdfa: bool = True):
        import typst

        self.compact_pdf = compact_pdf
        self.standards = "a-2b" if pdfa else None
        self.templates = Path(templates)
        self.font_paths = [d for d in (*fonts.dirs, *FONT_DIRS) if os.path.isdir(d)]
        families = set(typst.Fonts(include_system_fonts=False, font_paths=self.font_paths).families())
        roles = {}
        for key, role in fonts.roles.items():
            chain = []
            for entry in role.pdf_chain:
                fam = entry.split(":")[0]
                for name in (fam, f"{fam} R"):
                    if name in families and name not in chain:
                        chain.append(name)
            if not chain:
                raise RenderError(f"Typst 找不到{role.label}字体（找过：{'、'.join(role.pdf_chain)}）")
            roles[key] = chain
        roles["xbs_bold"] = fonts.resolve()["xbs"].bold
        self.fonts_json = json.dumps(roles, ensure_ascii=False)
        self._compiler = None
        self._paged: dict[tuple[str, int], bool] = {}
        self._names: tuple[str, ...] = ()
        self._src = b""

    def _entry(self, names: tuple[str, ...]) -> bytes:
        """入口源码：按 sys.inputs.form 选一个模板（模板名只能是字母、数字、-_. ，不拼进任何用户文字）。"""
        branches = " else ".join(f'if form == "{n}" {{ include "{n}" }}' for n in names)
        return f'#let form = sys.inputs.form\n#{branches} else {{ panic("未知的模板：" + form) }}\n'.encode()

    def render(self, name: str, ctx: dict, date: dt.date, *, tags: bool = True) -> bytes:
        """排一份。`tags=False`：不带标签（分段排、之后拼起来的长名单用：拼接后的结构树对不上）。"""
        path = self.templates / name
        if not path.is_file() or not _SAFE_NAME.fullmatch(name):
            raise RenderError(f"找不到 Typst 模板 {path}")
        inputs = {"data": json.dumps(ctx, ensure_ascii=False, default=str), "fonts": self.fonts_json,
                  "date": date.isoformat(), "form": name, "paged": "1"}
        # 模板认 sys.inputs.paged 时先按一页排（不带要数页的页眉页脚：Typst 为 counter(page).final() 之类要多排一遍），
        # 排出来不止一页时再带上页眉页脚重排。户档几乎都是一页：每户两份 PDF 约省 5%（交替量过）；页眉页脚在页边距里、
        # 不占版心，所以分页与一次排出带页眉页脚的相同
        if self._one_page_first(path):
            inputs["paged"] = "0"
            out = self._compile(path, inputs, tags)
            if page_count(out) == 1:
                return out
            inputs["paged"] = "1"
        return self._compile(path, inputs, tags)

    def _one_page_first(self, path: Path) -> bool:
        """模板里读 sys.inputs.paged（docgen 自带的户档表格、核对单）时可以先按一页排。"""
        key = (path.name, path.stat().st_mtime_ns)  # 模板改过（工作台开着时换了模板）就重新看
        hit = self._paged.get(key)
        if hit is None:
            hit = self._paged[key] = 'sys.inputs.at("paged"' in path.read_text(encoding="utf-8", errors="replace")
        return hit

    def _compile(self, path: Path, inputs: dict, tags: bool) -> bytes:
        import typst

        name = inputs["form"]
        try:
            if self._compiler is None or name not in self._names:  # 目录里多了模板时重建入口
                self._names = tuple(sorted(p.name for p in self.templates.glob("*.typ") if _SAFE_NAME.fullmatch(p.name)))
                self._src = self._entry(self._names)
                self._compiler = typst.Compiler(self._src, root=str(self.templates),
                                                font_paths=self.font_paths, ignore_system_fonts=True, sys_inputs=inputs)
            # 入口是内存中的源码：每次都要交给 compile（typst-py 只在第一次编译时记得它）
            data = self._compiler.compile(input=self._src, sys_inputs=inputs, pdf_standards=self.standards, pdf_tags=tags)
        except Exception as exc:  # typst.TypstError：模板或数据有误
            raise RenderError(f"Typst 模板 {path.name} 排版失败：{exc}") from None
        return compact(data) if self.compact_pdf else data


class PdfBytes(bytes):
    """PDF 的字节，带着页数（``pages``）：收进对象流时已经打开过，批处理记页数时不必再打开一次（每份约 1 ms）。"""

    pages: int

    def __new__(cls, data: bytes, pages: int):
        obj = super().__new__(cls, data)
        obj.pages = pages
        return obj

    def __reduce__(self):  # 集群上从工作机传回时连页数一起
        return (PdfBytes, (bytes(self), self.pages))


def page_count(data: bytes) -> int:
    """PDF 的页数：:class:`PdfBytes` 直接取，其余用 pikepdf 打开来数。"""
    if isinstance(data, PdfBytes):
        return data.pages
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def compact(data: bytes) -> PdfBytes:
    """把 PDF 的小对象收进压缩的对象流（PDF 1.5）。Typst 输出带标签的 PDF（无障碍阅读用的结构树），
    一页表格有上百个结构元素对象，不压缩时约占 15 KB；收进对象流后一页户档约 45 KB。PDF/A 的 XMP 换成精简写法
    （内容取自文档信息字典，两处一致）。字节确定（文件标识由内容算出）。"""
    import io
    import re

    import pikepdf

    from docgen.render.xmp import pdf_date_to_iso, xmp_packet

    with pikepdf.open(io.BytesIO(data)) as pdf:
        meta = pdf.Root.get("/Metadata")
        if meta is not None and re.search(rb"pdfaid:part>\s*2", meta.read_bytes()):
            info = {str(k): str(v) for k, v in pdf.docinfo.items()}
            meta.write(xmp_packet(info, pdf_date_to_iso(info.get("/CreationDate", "D:19700101"))))  # 原地改写（比新建流快）
        out = io.BytesIO()
        # 已压缩的流原样搬（不解开重压）；qpdf 的 deterministic_id 要把整个文件多写一遍，这里先写固定的占位 ID，
        # 再换成输出内容的 MD5（长度相同，偏移不变）——同样由内容决定，费时约一半
        pages = len(pdf.pages)
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none, static_id=True)
    return PdfBytes(_content_id(out.getvalue()), pages)


_STATIC_ID = b"<31415926535897932384626433832795>"  # qpdf 的 static_id 写在 /ID 第二项的值


def _content_id(data: bytes) -> bytes:
    """把 /ID 的第二项（qpdf 的固定占位值）换成文件内容（占位值仍在时）的 MD5。"""
    import hashlib

    at = data.rfind(_STATIC_ID)
    if at < 0 or data.count(_STATIC_ID) != 1:
        raise RenderError("PDF 的文件标识不是预期的写法（qpdf 版本变了？）")
    digest = hashlib.md5(data, usedforsecurity=False).hexdigest().encode()
    return data[:at + 1] + digest + data[at + 33:]
