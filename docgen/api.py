"""公共接口：读取、渲染、写出。CLI 只调用这里的函数。"""

from __future__ import annotations

from pathlib import Path

from docgen.errors import InputError
from docgen.fonts import FontSet
from docgen.load.attachment_file import read_attachment_file
from docgen.load.tasklist import is_tasklist_data, load_tasklist
from docgen.load.yamlsrc import YamlSource, load_yaml
from docgen.model.base import validate_source
from docgen.model.notice import Notice, Table
from docgen.util.fs import atomic_write

FORMATS = {"notice": (".docx", ".pdf", ".html"), "tasklist": (".docx", ".xlsx", ".pdf", ".html")}
ALL_FORMATS = (".docx", ".xlsx", ".pdf", ".html")
NOTICE_KEYS = {"发文字号", "doc_number", "发文机关标志", "issuer_mark"}


def detect_kind(src: YamlSource) -> str:
    """由输入内容判断文书种类。"""
    if isinstance(src.data, dict) and NOTICE_KEYS & set(map(str, src.data)):
        return "notice"
    if is_tasklist_data(src.data):
        return "tasklist"
    raise InputError(f"{src.display_name}: 无法判断文书种类：公文须有“发文字号”“发文机关标志”等要素，"
                     "任务清单须有“清单”（树形）或“行”（平铺）")


def detect_path_kind(path: Path) -> str:
    """由文件判断种类：Excel 与 Word 输入是任务清单，YAML 看内容。"""
    if path.suffix.lower() in (".xlsx", ".docx"):
        return "tasklist"
    return detect_kind(load_yaml(path))


def load_notice(path: str | Path) -> Notice:
    """读取并校验公文 YAML；有误时抛出 :class:`InputError`，列出所有问题的 文件:行:要素。"""
    src = load_yaml(path)
    return _notice_from(src)


def _notice_from(src: YamlSource) -> Notice:
    notice = validate_source(Notice, src, "公文")
    notice = notice.with_base_dir(src.path.parent)
    for i, seal in enumerate(notice.seal or []):
        many = len(notice.seal) > 1
        where = src.location(("印章", i) if many else ("印章",), f"印章[{i + 1}]" if many else "印章")
        check_image(seal, where, "印章图片")
    for i, stamp in enumerate(notice.stamps or []):
        check_image(stamp.image, src.location(("签名章", i, "图片"), f"签名章[{i + 1}].图片"), "签名章图片")
    atts = []
    for i, a in enumerate(notice.attachments):
        if a.image is not None:
            check_image(a.image, src.location(("附件", i, "图片"), f"附件[{i + 1}].图片"), "附件图片")
        if a.file is not None:
            where = src.location(("附件", i, "文件"), f"附件[{i + 1}].文件")
            if not a.file.is_file():
                raise InputError(f"{where}: 找不到附件文件 {a.file}")
            raw = read_attachment_file(a.file, where)
            parts = []
            for kind, content in raw:
                if kind == "table" and not isinstance(content, Table):
                    try:
                        content = Table.model_validate(content)
                    except ValueError as exc:
                        raise InputError(f"{where}: {a.file.name} 中的表格无法读取：{exc}") from None
                parts.append((kind, content))
            a = a.with_file_parts(tuple(parts))
        atts.append(a)
    return notice.model_copy(update={"attachments": atts})


MAX_IMAGE_PIXELS = 25_000_000  # 印章、签名章 5000×5000 以内足够（300 dpi 的 42 mm 印章约 500×500）


def check_image(path: Path, where: str, what: str) -> None:
    """印章、签名章须是能打开的 PNG 或 JPEG 图片。"""
    if not path.is_file():
        raise InputError(f"{where}: 找不到{what} {path}")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:  # 只读文件头：像素数超过 PIL 的上限（解压炸弹）时这里就报 DecompressionBombError
            w, h = im.size
            im.verify()
            fmt = im.format
    except Image.DecompressionBombError:
        raise InputError(f"{where}: {path.name} 的像素太多：{what}请缩到 2000×2000 像素以内") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombWarning):
        raise InputError(f"{where}: {path.name} 不是能打开的图片，{what}应为 PNG 或 JPEG（透明底的 PNG 最好）") from None
    if fmt not in ("PNG", "JPEG"):
        raise InputError(f"{where}: {path.name} 是 {fmt} 图片，{what}应为 PNG 或 JPEG") from None
    if w * h > MAX_IMAGE_PIXELS:
        raise InputError(f"{where}: {path.name} 有 {w}×{h} 像素，太大了：{what}请缩到 2000×2000 像素以内")
    try:  # Word 版由 python-docx 读图片头：它读不了的 JPEG（CMYK、没有 JFIF/EXIF 头）在这里就说，不等到写 Word 时出错
        from docx.image.image import Image as DocxImage

        DocxImage.from_file(str(path))
    except Exception:  # noqa: BLE001 — python-docx 的各种“认不出”
        raise InputError(f"{where}: {path.name} 这种 {fmt} 写法 Word 读不了（如 CMYK 颜色的 JPEG），"
                         f"请在画图或 WPS 里另存为 PNG 后再用") from None


def render_document(path: str | Path, fmt: str, fonts: FontSet | None = None, hints: dict | None = None) -> bytes:
    """把输入文件 `path` 渲染为 `fmt`（``.docx``/``.xlsx``/``.pdf``/``.html``）格式的字节。
    `hints`：同一份公文反复排版时（工作台预览）带着上次的排版结果，见 :func:`docgen.render.pdf.render_notice_pdf`。"""
    fmt = fmt.lower()
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: 找不到输入文件")
    kind = detect_path_kind(path)
    if fmt not in FORMATS[kind]:
        name = {"notice": "公文", "tasklist": "任务清单"}[kind]
        raise InputError(f"{name}不能输出为“{fmt or '（无扩展名）'}”，可用：{'、'.join(FORMATS[kind])}")
    fonts = fonts or FontSet()
    if kind == "tasklist":
        return _render_tasklist(load_tasklist(path), fmt, fonts)
    src = load_yaml(path)
    if kind == "notice":
        from docgen.render.context import build_notice_view

        view = build_notice_view(_notice_from(src))
        base = Path(path).resolve().parent
        if fmt == ".pdf":
            from docgen.render.pdf import render_notice_pdf

            return render_notice_pdf(view, fonts, base, hints)
        if fmt == ".html":
            from docgen.render.pdf import render_notice_html

            return render_notice_html(view, fonts).encode("utf-8")
        from docgen.render.docx import render_notice_docx
        from docgen.render.pdf import docx_layout

        return render_notice_docx(view, docx_layout(view, fonts, base))
    raise AssertionError(kind)  # pragma: no cover


def _render_tasklist(tl, fmt: str, fonts: FontSet) -> bytes:
    from docgen.render import tasklist as r

    if fmt == ".xlsx":
        return r.render_tasklist_xlsx(tl)
    if fmt == ".docx":
        return r.render_tasklist_docx(tl)
    if fmt == ".html":
        return r.render_tasklist_html(tl, fonts).encode("utf-8")
    return r.render_tasklist_pdf(tl, fonts)


def render_file(src: str | Path, out: str | Path, fonts: FontSet | None = None) -> Path:
    """渲染 `src` 并原子写出到 `out`；出错时不留下任何输出文件。"""
    out = Path(out)
    if out.is_dir():
        raise InputError(f"{out}: 是文件夹——-o 要给文件名，如 {out / (Path(src).stem + '.pdf')}")
    if out.exists() and out.resolve() == Path(src).resolve():
        raise InputError(f"{out}: 输出会覆盖输入文件本身，请换一个输出文件名")
    data = render_document(src, out.suffix, fonts)
    atomic_write(out, data)
    return out
