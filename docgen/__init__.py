"""docgen：把结构化数据生成为县级机关的公文、清单、台账与档案。

公共接口：

- :func:`load_notice` 读取公文 YAML，返回校验后的 :class:`~docgen.model.notice.Notice`；
- :func:`render_document` 把输入文件渲染为 ``.docx`` / ``.pdf`` / ``.html`` 字节；
- :func:`render_file` 渲染并原子写出到目标路径。
"""

__version__ = "0.1.0"

from docgen.api import load_notice, render_document, render_file  # noqa: E402

__all__ = ["__version__", "load_notice", "render_document", "render_file"]
