"""docgen 自带的数据文件夹（模板、整理方案）：在检出目录里运行时是仓库顶层的 templates/、archive_schema/，
pip install 之后是包里的 docgen/templates、docgen/archive_schema（pyproject 把前者装成后者）。"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # docgen/


def data_dir(name: str) -> Path:
    checkout = _PACKAGE.parent / name
    installed = _PACKAGE / name
    return checkout if (checkout.is_dir() and (_PACKAGE.parent / "pyproject.toml").is_file()) else installed
