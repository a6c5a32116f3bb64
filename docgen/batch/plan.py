"""计划：哪些文书、给谁、用哪个模板、写到哪里，以及决定是否重做的内容键。纯计算，不写文件（--dry-run 即打印它）。"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from docgen import __version__
from docgen.households.docs import DOC_KINDS
from docgen.util.fs import safe_filename as safe_name
from docgen.util.fs import shortened_note


@dataclass(frozen=True)
class Job:
    kind: str  # 文书种类（DOC_KINDS 的键）或 "台账" / "汇总"
    target: str  # 相对于输出目录的路径
    key: str  # 内容键：输入记录 + 模板字节 + 配置 + docgen 版本 的哈希
    household: str = ""  # 户编号（户档文书）
    village: str = ""
    code: str = ""  # 村代码
    note: str = ""  # 文件名因过长被缩短时的说明


def file_hash(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


GONGSHI_TEMPLATE = "typst/gongshi.typ"


def gongshi_formats(kinds: tuple[str, ...]) -> tuple[str, ...]:
    """公示名单出哪些格式：与户档相同（只出台账时出 Word 版）。"""
    fmts = tuple(dict.fromkeys(k.rsplit(".", 1)[1] for k in kinds))
    return fmts or ("docx",)


def iter_plan(staging, settings, templates: Path, kinds: tuple[str, ...], period: str, extra: str = "",
              per_household: dict[str, str] | None = None) -> Iterator[Job]:
    """逐村给出计划：每户每种文书一项，村里各户之后是该村台账与公示名单；最后是全县汇总与全县公示名单。
    这是决定每个输出路径与文件名的唯一地方（ledger、batch、档案整理都照它）。
    内容键由该户的数据（台账、公示：该村全部户的数据与问题 `extra`）决定；`per_household`：户编号 → 还要算进该户
    文书内容键的摘要（库册核对未解决的不一致写在户情卡上）。只用各户摘要，不解开核算结果。"""
    tpl_hash = {k: file_hash(templates / DOC_KINDS[k][0]) for k in kinds}
    fmts = gongshi_formats(kinds)
    gs_hash = file_hash(templates / GONGSHI_TEMPLATE) if "pdf" in fmts else ""
    conf = json.dumps({"settings": settings.__dict__, "period": period, "reference": staging.reference,
                       "version": __version__}, sort_keys=True, ensure_ascii=False, default=str)
    year = staging.reference.year
    shared = unit_names(staging.units())  # 同名（或做成文件名后同名）的村：台账、户档文件夹、公示名单都加村代码
    ledger_keys = []
    units: dict[str, list[str]] = {}  # 当前村代码内：村名 → 各户键（一个代码下一般只有一个村名）
    current = None

    def ledgers(code):
        for village, keys in units.items():
            vkey = hashlib.sha256(("|".join(keys) + "|" + extra).encode()).hexdigest()
            ledger_keys.append(vkey)
            name = unit_name(village, code, shared)
            yield Job("台账", f"台账/{safe_name(name)}台账.xlsx", vkey, village=village, code=code, note=shortened_note(name))
            for fmt in fmts:
                yield Job("公示", f"公示/{safe_name(name)}{year}年拟退出贫困户公示名单.{fmt}",
                          hashlib.sha256(f"公示|{fmt}|{gs_hash}|{vkey}".encode()).hexdigest(), village=village, code=code)

    for h in staging.households():
        if h.code != current:
            if current is not None:
                yield from ledgers(current)
            current, units = h.code, {}
        hkey = hashlib.sha256((h.record + conf + (per_household or {}).get(h.hh_id, "")).encode("utf-8")).hexdigest()
        units.setdefault(h.village, []).append(hkey)
        base = safe_name(f"{h.hh_id}-{h.head}")
        note = shortened_note(f"{h.hh_id}-{h.head}") or shortened_note(unit_name(h.village, h.code, shared))
        for k in kinds:
            if k.startswith("收入核算表") and not h.has_income:
                continue
            key = hashlib.sha256(f"{k}|{tpl_hash[k]}|{hkey}".encode()).hexdigest()
            folder = safe_name(unit_name(h.village, h.code, shared))
            yield Job(k, f"户档/{folder}/{base}-{DOC_KINDS[k][1]}", key, h.hh_id, h.village, h.code, note)
    if current is not None:
        yield from ledgers(current)
    all_keys = "|".join(ledger_keys)
    yield Job("汇总", "全县汇总.xlsx", hashlib.sha256(all_keys.encode()).hexdigest())
    for fmt in fmts:
        yield Job("公示", f"公示/全县{year}年拟退出贫困户公示名单.{fmt}",
                  hashlib.sha256(f"全县公示|{fmt}|{gs_hash}|{all_keys}".encode()).hexdigest())


CROSSCHECK_DIR = "核对"  # 月末批处理里库册核对的输出（报告工作簿与各户核对单）
CROSSCHECK_REPORT = "库册核对.xlsx"
CROSSCHECK_SHEETS = "核对单"
CROSSCHECK_ZIP = "各户核对单.zip"  # 工作台下载用：核对单打成一个 zip


def crosscheck_sheet(unit: str, hh_id: str, head: str, suffix: str) -> str:
    """一户核对单的路径（相对于核对的输出目录）：核对单/村/户编号-户主.docx|.pdf。`unit`：unit_names 给出的村名写法。"""
    return f"{CROSSCHECK_SHEETS}/{safe_name(unit)}/{safe_name(f'{hh_id}-{head}' if head else hh_id)}{suffix}"


def unit_names(units: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """每个 (村名, 村代码) 在文件名里的写法：村名；做成文件名后与别的村相同（同名的村，或只差 “:”“?” 这类
    文件名里不能有的字符）时加村代码；仍相同（同一代码下两个这样的村名）再加村名的短哈希。保证互不覆盖。"""
    out = {u: u[0] for u in units}
    for step in (lambda v, c: f"{v}-{c}", lambda v, c: f"{v}-{c}-{hashlib.sha256(v.encode()).hexdigest()[:6]}"):
        seen: dict[str, list[tuple[str, str]]] = {}
        for u, name in out.items():
            seen.setdefault(safe_name(name).casefold(), []).append(u)
        for group in seen.values():
            if len(group) > 1:
                for u in group:
                    out[u] = step(*u)
    return out


def unit_name(village: str, code: str, names: dict[tuple[str, str], str]) -> str:
    """村在文件名里的写法（见 :func:`unit_names`）。"""
    return names.get((village, code), village)
