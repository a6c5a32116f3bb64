"""DA/T 22-2015 的编号：件号、卷号、卷内件号与档号，以及保证它们稳定、唯一的编号登记。

- 分类单元 = 村 × 年度 × 类别（机构/问题）× 保管期限（户卷另按户）；件号在单元内从 1 起连续，已登记的号永不改变，
  新文件接在该单元最大号之后（追加归档）。
- **档号在一个全宗内唯一**：各村的单元互不相干（每村一个登记文件，可以并行建），所以档号模板必须带上能区分它们的
  字段——默认方案在“机构(问题)”一段写类别代码与村代码（仿江西“分类号 = 类目号 + 行政村编码”）。
  :func:`scheme_collisions` 在建任何东西之前，用方案实际会出现的单元试排档号，两个不同的件（卷）得到同一个档号时报出两者；
  :func:`duplicates` 供 ``archive verify`` 跨包查重。
- 县级的件（全县汇总、全县公示名单……）村码为空。
"""

from __future__ import annotations

import datetime as dt
import json
import string
from collections import defaultdict
from pathlib import Path
from typing import Iterable

from docgen.archive.model import COUNTY, Bundle, Collection, Item, Volume

STATE_DIR = "编号登记"  # 每村一个 <村代码>.json：件号、卷号登记，首次建档日期，完整性，来源指纹
LEGACY_STATE = "编号登记.json"  # 旧版的单一文件：读入后拆成每村一个
FIELDS = {"全宗号", "门类", "年度", "期限", "机构", "件号", "卷号", "村码"}
LEVELS = {"件": {"件号"}, "卷": {"卷号"}, "卷内件": {"卷号", "件号"}}


# ------------------------------------------------------------------ 档号


def fields(data: dict, year: int, ret: str, code: str, village: str, **numbers) -> dict:
    """档号模板的字段。`village` 为村代码（县级为 COUNTY 或 ""，村码为空）。"""
    return {"全宗号": data["全宗号"], "门类": data["门类"], "年度": year, "期限": ret, "机构": code,
            "村码": "" if village in ("", COUNTY) else village, **numbers}


def archival_no(data: dict, level: str, **values) -> str:
    return data["档号"][level].format(**values)


def template_fields(template: str) -> set[str]:
    """档号模板里用到的字段（写法有误时抛 ValueError）。"""
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def _retention(data: dict, doc_type: str) -> str:
    t = data["文件类型"][doc_type]
    return t.get("期限") or data["类别"][t["类别"]]["期限"]


def scheme_collisions(data: dict) -> list[tuple[str, str]]:
    """方案会不会让两个不同的件（卷）得到同一个档号：按方案实际会出现的分类单元（两个村与县级、两个年度、
    各文件类型的类别与期限、户卷）和几个号试排一遍。返回 [(档号模板的键, 说明)]，说明点出撞号的两者。"""
    hh_cat = data["户卷"]["类别"]
    units = sorted({(t["类别"], _retention(data, name)) for name, t in data["文件类型"].items() if t["类别"] != hh_cat})
    villages = ["610202001201", "610202001202", COUNTY]
    seen: dict[str, tuple[str, str]] = {}
    out: list[tuple[str, str]] = []

    def put(level: str, desc: str, **values) -> None:
        try:
            no = archival_no(data, level, **values)
        except (KeyError, ValueError, IndexError) as exc:
            out.append((level, f"档号模板排不出档号：{exc}"))
            return
        if no in seen and seen[no][1] != desc:
            other_level, other = seen[no]
            out.append((level, f"不同的{'件' if level != '卷' else '卷'}会得到同一个档号“{no}”：{other}与{desc}"
                               f"（模板要带上能区分它们的字段，如 {{村码}}、{{期限}}、{{机构}}，且各类别代码不同）"))
        seen.setdefault(no, (level, desc))

    for year in (2020, 2021):
        for v in villages:
            where = "县级" if v == COUNTY else f"村 {v}"
            for cat, ret in units:
                code = data["类别"][cat]["代码"]
                for n in (1, 2, 10, 11):
                    put("件", f"{where} {year} 年度 {cat}（{ret}）第 {n} 件", **fields(data, year, ret, code, v, 件号=n))
            if v == COUNTY:
                continue
            ret = data["户卷"]["期限"]
            code = data["类别"][hh_cat]["代码"]
            for vol in (1, 2, 10, 11):
                put("卷", f"{where} {year} 年度第 {vol} 卷（户卷）", **fields(data, year, ret, code, v, 卷号=vol))
                for n in (1, 2, 10, 11):
                    put("卷内件", f"{where} {year} 年度第 {vol} 卷卷内第 {n} 件",
                        **fields(data, year, ret, code, v, 卷号=vol, 件号=n))
    # 每个档号模板只举第一个例子（同一个缺陷在每个村、年度、号上都会撞），并说还有几处
    first: dict[str, tuple[str, int]] = {}
    for level, msg in out:
        msg0, n = first.get(level, (msg, 0))
        first[level] = (msg0, n + 1)
    return [(level, msg + (f"；同类撞号另有 {n - 1} 处" if n > 1 else "")) for level, (msg, n) in first.items()]


def duplicates(entries: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """(全宗号, 档号, 出处) → 同一全宗内重复的档号 [(档号, 第一处, 又一处)]。"""
    first: dict[tuple[str, str], str] = {}
    out = []
    for fonds, no, where in entries:
        k = (fonds, no)
        if k in first:
            out.append((no, first[k], where))
        else:
            first[k] = where
    return out


# ------------------------------------------------------------------ 编号登记


def _village_of_key(key: str) -> str:
    """登记键以村代码开头（单元 = 村代码|年度|类别|期限）。"""
    return key.split("|", 1)[0]


def load_register(out: Path, code: str | None = None) -> dict:
    """编号登记：`code` 给出时只读该村的（编号按村独立），否则合并全部村。"""
    state: dict = {"件": {}, "卷": {}, "首次建档": None}
    sources = [out / LEGACY_STATE]
    d = out / STATE_DIR
    sources += [d / f"{code}.json"] if code is not None else sorted(d.glob("*.json")) if d.is_dir() else []
    for f in sources:
        if not f.is_file():
            continue
        part = json.loads(f.read_text(encoding="utf-8"))
        for kind in ("件", "卷"):
            state[kind].update({k: v for k, v in part.get(kind, {}).items()
                                if code is None or _village_of_key(k) == code})
        if part.get("首次建档") and (state["首次建档"] is None or part["首次建档"] < state["首次建档"]):
            state["首次建档"] = part["首次建档"]
        if code is not None and f.parent == d:
            state.update({k: v for k, v in part.items() if k not in ("件", "卷", "首次建档")})
    return state


def write_register(folder: Path, state: dict, extra: dict[str, dict]) -> None:
    """按村拆开写：folder/<村代码>.json。`extra`：村代码 → 该村另记的项（完整性、来源指纹……）。"""
    from docgen.archive.model import mkdir
    from docgen.util.fs import atomic_write

    mkdir(folder)
    per: dict[str, dict] = {}
    for kind in ("件", "卷"):
        for k, v in state[kind].items():
            per.setdefault(_village_of_key(k), {"件": {}, "卷": {}})[kind][k] = v
    for code in set(per) | set(extra):
        body = {**per.get(code, {"件": {}, "卷": {}}), "首次建档": state.get("首次建档"), **extra.get(code, {})}
        atomic_write(folder / f"{code}.json",
                     (json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8"))


# ------------------------------------------------------------------ 编号


def number_items(col: Collection, profile, year: int, state: dict, build_date: dt.date) -> dict[str, Bundle]:
    """按分类单元编件号、卷号；已登记的号不变，新文件接在后面。属于户卷类别却不知是哪一户的文件不编号，
    记入 ``col.unhoused``（户卷的档号与件的档号同一写法，放进件里会与卷撞号）。"""
    data = profile.data
    first_build = state.get("首次建档") is None
    if first_build:
        state["首次建档"] = build_date.isoformat()
    bundles: dict[str, Bundle] = {}
    hh_cfg = data["户卷"]
    order = {t: i for i, t in enumerate(hh_cfg["必备文件"] + hh_cfg.get("可选文件", []))}
    # 排列：户卷按户编号；卷内按必备文件顺序；件按类别、日期、来源路径
    docs = sorted(col.docs, key=lambda d: (d.village, d.household, order.get(d.doc_type, 99), d.date or dt.date.min, d.key))
    next_no: dict[str, int] = defaultdict(int)
    for kind in ("件", "卷"):
        for k, v in state[kind].items():
            unit = v.get("单元") or ("卷|" if kind == "卷" else "") + k.rsplit("|", 1)[0]
            next_no[unit] = max(next_no[unit], v["号"])

    def assign(kind: str, unit: str, key: str) -> dict:
        """已登记的号不变；新的接在该单元最大号之后。"""
        if key not in state[kind]:
            next_no[unit] += 1
            state[kind][key] = {"号": next_no[unit], "单元": unit,
                                "追加": "" if first_build or kind == "卷" else build_date.isoformat()}
        return state[kind][key]

    volumes: dict[str, Volume] = {}
    for d in docs:
        village = d.village or COUNTY
        cat = data["文件类型"][d.doc_type]["类别"]
        if cat == hh_cfg["类别"] and not d.household:
            col.unhoused.append(d.source)
            continue
        b = bundles.setdefault(village, Bundle(village, col.villages.get(village, "") if village != COUNTY else ""))
        in_volume = bool(d.household) and cat == hh_cfg["类别"]
        ret = hh_cfg["期限"] if in_volume else profile.retention(d.doc_type)
        code = data["类别"][cat]["代码"]
        unit = f"{village}|{year}|{cat}|{ret}"
        if in_volume:
            vol = volumes.get(d.household)
            if vol is None:
                vno = assign("卷", "卷|" + unit, f"{unit}|{d.household}")["号"]
                head = col.households.get(d.household, {}).get("head", "")
                vol = Volume(d.household, head, vno, archival_no(data, "卷", **fields(data, year, ret, code, village, 卷号=vno)),
                             year, cat, ret, code)
                volumes[d.household] = vol
                b.volumes.append(vol)
            ent = assign("件", f"{unit}|{d.household}", f"{unit}|{d.household}|{d.key}")
            no = archival_no(data, "卷内件", **fields(data, year, ret, code, village, 卷号=vol.number, 件号=ent["号"]))
            vol.items.append(Item(d, year, cat, ret, code, ent["号"], no, vol, ent.get("追加", "")))
        else:
            ent = assign("件", unit, f"{unit}|{d.key}")
            no = archival_no(data, "件", **fields(data, year, ret, code, village, 件号=ent["号"]))
            b.items.append(Item(d, year, cat, ret, code, ent["号"], no, None, ent.get("追加", "")))
    for b in bundles.values():
        b.items.sort(key=lambda i: (i.category, i.retention, i.number))
        b.volumes.sort(key=lambda v: v.number)
        for v in b.volumes:
            v.items.sort(key=lambda i: i.number)
    return bundles
