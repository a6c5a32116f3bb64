"""统一的 Jinja2 环境：沙箱、严格未定义变量、HTML 自动转义。"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape
from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import ImmutableSandboxedEnvironment

from docgen.errors import RenderError
from docgen.util.resources import data_dir

PACKAGE_TEMPLATES = data_dir("templates")


def templates_dir() -> Path:
    """模板目录：环境变量 ``DOCGEN_TEMPLATES`` 优先，否则用仓库中的 ``templates/``。"""
    d = Path(os.environ.get("DOCGEN_TEMPLATES", PACKAGE_TEMPLATES))
    if not d.is_dir():
        raise RenderError(f"找不到模板目录：{d}")
    return d


_ZWSP = "\u200b"


def cjk_breakable(text) -> Markup:
    """正文里的中文引号当作中文的开、闭标点断行：“之前、”之后可以断（Unicode 断行规则把它们当作不分左右的西文引号，
    两边都不许断，行就在“三清|零”这样的地方提前断开）。“之后、”之前仍不断（标点禁则）。先转义再加零宽空格。"""
    s = str(escape(text))
    for opening in "“‘":
        s = s.replace(opening, _ZWSP + opening)
    for closing in "”’":
        s = s.replace(closing, closing + _ZWSP)
    return Markup(s)


def file_uri(path) -> str:
    """本地图片（印章、签名章）的 file: 地址；渲染时只许读模型里列出的这些文件。"""
    return Path(path).resolve().as_uri()


@lru_cache(maxsize=4)
def make_env(root: str) -> ImmutableSandboxedEnvironment:
    """模板在沙箱中运行（用户可以改模板，但不能借模板执行任意代码），值一律转义。"""
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(root),
        autoescape=select_autoescape(["html", "xml", "htm"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters["cjk_breakable"] = cjk_breakable
    env.filters["file_uri"] = file_uri
    return env
