"""计划：哪些文书、给谁、用哪个模板、写到哪里，以及决定是否重做的内容键。纯计算，不写文件（--dry-run 即打印它）。"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from docgen import __version__
from docgen.households.build import safe_name

DOC_KINDS = {  # 种类 → (模板, 文件名后缀)
    "收入核算表.docx": ("docx/household_income.docx", "收入核算表.docx"),
    "户情卡.docx": ("docx/household_card.docx", "户情卡.docx"),
    "收入核算表.pdf": ("typst/household_income.typ", "收入核算表.pdf"),
    "户情卡.pdf": ("typst/household_card.typ", "户情卡.pdf"),
}


@dataclass(frozen=True)
class Job:
    kind: str  # 文书种类（DOC_KINDS 的键）或 "台账" / "汇总"
    target: str  # 相对于输出目录的路径
    key: str  # 内容键：输入记录 + 模板字节 + 配置 + docgen 版本 的哈希
    household: str = ""  # 户编号（户档文书）
    village: str = ""


def file_hash(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def make_plan(assessments, settings, templates: Path, kinds: tuple[str, ...], period: str, extra: str = "") -> list[Job]:
    """每户每种文书一项、每村一册台账、全县一份汇总。内容键由该户的数据（或该村全部户的数据）决定。"""
    tpl_hash = {k: file_hash(templates / DOC_KINDS[k][0]) for k in kinds}
    conf = json.dumps({"settings": settings.__dict__, "period": period, "version": __version__}, sort_keys=True,
                      ensure_ascii=False, default=str)
    jobs: list[Job] = []
    village_parts: dict[str, list[str]] = {}
    for a in assessments:
        h = a.household
        record = h.model_dump_json()
        hkey = hashlib.sha256((record + conf).encode("utf-8")).hexdigest()
        village_parts.setdefault(h.village, []).append(hkey)
        base = safe_name(f"{h.hh_id}-{h.head.name}")
        for k in kinds:
            if k.startswith("收入核算表") and a.income is None:
                continue
            key = hashlib.sha256(f"{k}|{tpl_hash[k]}|{hkey}".encode()).hexdigest()
            jobs.append(Job(k, f"户档/{safe_name(h.village)}/{base}-{DOC_KINDS[k][1]}", key, h.hh_id, h.village))
    all_keys = []
    for village, keys in sorted(village_parts.items()):
        # 台账还取决于问题、帮扶等村级数据（extra）
        vkey = hashlib.sha256(("|".join(keys) + "|" + extra).encode()).hexdigest()
        all_keys.append(vkey)
        jobs.append(Job("台账", f"台账/{safe_name(village)}台账.xlsx", vkey, village=village))
    jobs.append(Job("汇总", "全县汇总.xlsx", hashlib.sha256("|".join(all_keys).encode()).hexdigest()))
    return jobs
