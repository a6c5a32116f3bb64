"""``docgen ledger``：批处理流水线跑一次（不增量）——同样的读表、校验、核算、计划与渲染，
台账、户档文书、公示名单与 ``docgen batch`` 一字不差。输入有误或有文书生成失败时一个文件都不写进输出目录。"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from docgen.errors import RenderError

# 一次性运行时留在临时目录里、不移进输出目录的东西（批处理自己的状态）
_INTERNAL = (".docgen-state.sqlite", ".docgen-cache", "批处理报告.json")


def build_ledgers(data, out: Path, *, period: str, docs: tuple[str, ...] = ("docx", "pdf"), settings=None,
                  workers: int = 1, progress=None, on_total=None):
    """写出台账、全县汇总、户档与公示名单到 `out`，返回批处理的 :class:`~docgen.batch.runner.Summary`。
    数据有错误时抛出 InputError（不写任何文件）；有文书生成失败时抛出 RenderError（也不写）。"""
    from docgen.batch.runner import run_batch
    from docgen.households.docs import kinds_for

    from docgen.households.load import DataFiles, check_output_apart

    out = Path(out)
    if isinstance(data, DataFiles):
        check_output_apart(data.files, out)
    existed = out.exists()
    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".docgen-ledger-", dir=out))
    try:
        _, summary = run_batch(data, stage / "out", period=period, kinds=kinds_for(docs), workers=workers, force=True,
                               settings=settings, progress=progress, on_total=on_total)
        if summary.failed:
            shown = "\n".join(f"  {t}：{e}" for t, e in summary.failed[:20])
            raise RenderError(f"有 {len(summary.failed)} 份文书生成失败，未写出任何文件：\n{shown}")
        src = stage / "out"
        for f in sorted(src.rglob("*")):
            rel = f.relative_to(src)
            if f.is_file() and rel.parts[0] not in _INTERNAL:
                dst = out / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                os.replace(f, dst)
        return summary
    except BaseException:
        if not existed:
            shutil.rmtree(out, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(stage, ignore_errors=True)
