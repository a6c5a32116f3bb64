"""公文的实时预览：docgen 排出的真实页面（同一个 render_document 得到的 PDF，逐页转成图片）。

排版在单独的进程里做（两核机器上两个进程）：WeasyPrint 排版时要设进程级的环境变量（字体配置、
SOURCE_DATE_EPOCH），放在服务器线程里并发会互相干扰；进程里的字体与模板一直留着，改一个字后再排只花排版本身的时间。
"""

from __future__ import annotations

import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

SCALE = 1.5  # 1 pt → 1.5 px：A4 宽 893 px，1366×768 的屏幕上看得清字
_FONTS = None


def _init() -> None:
    import logging

    global _FONTS
    from docgen.fonts import FontSet

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    _FONTS = FontSet()
    _FONTS.resolve()
    _warm_up()


WARM_UP = """发文机关标志: 某某县住房和城乡建设局文件
发文字号: 某住建发〔2020〕1号
标题: 关于预热的通知
主送机关: 各镇人民政府
正文: |
  预热排版引擎（字体、字形缓存、子集化库）。
  # 标题
  正文。
附件:
  - 名称: 表
    表格: {列: [甲, 乙, 丙, 丁, 戊], 行: [[一, 二, 三, 四, 五]]}
发文机关署名: 某某县住房和城乡建设局
成文日期: 2020-04-01
抄送机关: 某某办公室
印发机关: 某某县住房和城乡建设局办公室
印发日期: 2020-04-01
"""


def _warm_up() -> None:
    """进程起来时排一份小通知：第一次排版要加载字体、建字形缓存（约 2 秒），不让用户的第一次预览来等。"""
    import tempfile

    from docgen.api import render_document

    with tempfile.TemporaryDirectory(prefix="docgen-warm-") as d:
        p = Path(d) / "warm.yaml"
        p.write_text(WARM_UP, encoding="utf-8")
        render_document(p, ".pdf", _FONTS)


def render_pages(yaml_path: str, out_dir: str, rev: int, hints: dict | None = None) -> dict:
    """排版 `yaml_path`（公文 YAML 或任务清单），把各页图片（JPEG）写进 `out_dir`（文件名带修订号），返回页面清单与
    这次的排版提示（下次改一个字后再排时带回来，省一遍排版），或输入错误。"""
    from docgen.api import render_document
    from docgen.errors import InputError
    from docgen.util.fs import atomic_write

    if _FONTS is None:
        _init()
    hints = dict(hints or {})
    try:
        pdf = render_document(yaml_path, ".pdf", _FONTS, hints)
    except InputError as exc:
        return {"error": exc.message, "issues": [{"row": i.location.row, "field": i.location.field or "",
                                                  "message": i.message, "code": i.code} for i in exc.issues]}
    out = Path(out_dir)
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    pages = []
    try:
        for i in range(len(doc)):
            page = doc[i]
            w, h = page.get_size()
            img = page.render(scale=SCALE).to_pil()
            name = f"p{rev}-{i + 1}.jpg"
            from io import BytesIO

            buf = BytesIO()
            # JPEG（质量 92、不降色度采样：红色版头、印章的边缘不发虚）：14 页的样例编码 0.1 秒，PNG 要 0.4 秒，大小相近
            img.save(buf, "JPEG", quality=92, subsampling=0)
            atomic_write(out / name, buf.getvalue(), durable=False)
            pages.append({"name": name, "width_pt": round(w, 1), "height_pt": round(h, 1)})
            page.close()
    finally:
        doc.close()
    return {"pages": pages, "pdf_bytes": len(pdf), "hints": hints}


def render_bytes(path: str, ext: str, hints: dict | None = None) -> bytes | str:
    """下载用：`path` 渲染成 `ext` 格式的字节（与 docgen render 相同）；输入有误时返回说明文字。"""
    from docgen.api import render_document
    from docgen.errors import InputError

    if _FONTS is None:
        _init()
    try:
        return render_document(path, ext, _FONTS, dict(hints or {}) if ext == ".pdf" else None)
    except InputError as exc:
        return str(exc)


class Renderer:
    """预览排版的进程池。"""

    def __init__(self, workers: int | None = None):
        n = workers or min(2, os.cpu_count() or 1)
        self.pool = ProcessPoolExecutor(n, mp_context=mp.get_context("spawn"), initializer=_init)
        for f in [self.pool.submit(_noop) for _ in range(n)]:  # 先把进程起来（导入、读字体），第一次预览不用等
            f.result()

    def submit(self, yaml_path: Path, out_dir: Path, rev: int, hints: dict | None = None):
        return self.pool.submit(render_pages, str(yaml_path), str(out_dir), rev, hints)

    def submit_bytes(self, path: Path, ext: str, hints: dict | None = None):
        return self.pool.submit(render_bytes, str(path), ext, hints)

    def shutdown(self) -> None:
        """停掉排版进程（服务器停下时；不等在排的预览）。"""
        procs = list(getattr(self.pool, "_processes", {}).values())
        self.pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            p.terminate()
        for p in procs:
            p.join(5)


def _noop() -> None:
    return None
