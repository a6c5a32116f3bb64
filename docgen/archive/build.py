"""``docgen archive build``：编号（件号、卷号稳定不变）、分类排列、装盒、编目、元数据、BagIt 包与移交 zip。

先在临时文件夹中建好整个档案，再原子地换到目标位置；输入不变时重建不改变任何字节。
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from docgen.archive.collect import Collection, Doc, collect
from docgen.archive.profile import RETENTION_ZH, Profile
from docgen.errors import InputError
from docgen.util.fs import safe_filename

STATE_DIR = "编号登记"  # 每村一个 <村代码>.json：件号、卷号登记，首次建档日期，完整性，来源指纹
LEGACY_STATE = "编号登记.json"  # 旧版的单一文件：读入后拆成每村一个
COUNTY = "000000000000"


@dataclass
class Item:
    """已编号的一件（可能属于某个户卷）。"""

    doc: Doc
    year: int
    category: str
    retention: str
    unit_code: str  # 机构(问题)代码（类别代码）
    number: int  # 件号（卷内为卷内件号）
    archival_no: str  # 档号
    volume: "Volume | None" = None
    added: str = ""  # 首次建档后追加的日期（备考表记载）
    path: str = ""  # 在包内的相对路径（data/ 下）
    sha256: str = ""
    size: int = 0
    box: int = 0


@dataclass
class Volume:
    household: str
    head: str
    number: int
    archival_no: str
    year: int
    category: str
    retention: str
    unit_code: str
    items: list[Item] = field(default_factory=list)
    box: int = 0

    @property
    def pages(self) -> int:
        return sum(i.doc.pages for i in self.items)


@dataclass
class Box:
    number: int
    year: int
    category: str
    retention: str
    units: list  # Item 或 Volume
    pages: int
    spine_mm: int

    @property
    def first_last(self) -> tuple[str, str]:
        nums = [u.archival_no for u in self.units]
        return nums[0], nums[-1]


@dataclass
class Bundle:
    village: str
    village_name: str
    items: list[Item] = field(default_factory=list)
    volumes: list[Volume] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    completeness: list[dict] = field(default_factory=list)

    @property
    def dirname(self) -> str:
        return safe_component(f"{self.village}-{self.village_name or '县级'}")


safe_component = safe_filename  # 档案包内的文件夹与文件名


def safe_join(root: Path, *parts: str) -> Path:
    """拼出包内路径并确认没有逃出 root。"""
    p = root.joinpath(*[safe_component(x) for x in parts])
    rp = p.resolve()
    if not str(rp).startswith(str(root.resolve()) + os.sep):
        raise InputError(f"生成的路径越出了档案文件夹：{p}")
    return p


def _village_of_key(key: str) -> str:
    """登记键以村代码开头（单元 = 村代码|年度|类别|期限）。"""
    return key.split("|", 1)[0]


def _load_state(out: Path, code: str | None = None) -> dict:
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


def _write_state(folder: Path, state: dict, extra: dict[str, dict]) -> None:
    """按村拆开写：folder/<村代码>.json。`extra`：村代码 → 该村另记的项（完整性、来源指纹……）。"""
    from docgen.util.fs import atomic_write

    per: dict[str, dict] = {}
    for kind in ("件", "卷"):
        for k, v in state[kind].items():
            per.setdefault(_village_of_key(k), {"件": {}, "卷": {}})[kind][k] = v
    for code in set(per) | set(extra):
        body = {**per.get(code, {"件": {}, "卷": {}}), "首次建档": state.get("首次建档"), **extra.get(code, {})}
        atomic_write(folder / f"{code}.json",
                     (json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8"))


def number_items(col: Collection, profile: Profile, year: int, state: dict, build_date: dt.date) -> dict[str, Bundle]:
    """按分类单元编件号、卷号；已登记的号不变，新文件接在后面。"""
    first_build = state.get("首次建档") is None
    if first_build:
        state["首次建档"] = build_date.isoformat()
    bundles: dict[str, Bundle] = {}
    hh_cfg = profile["户卷"]
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
        b = bundles.setdefault(village, Bundle(village, col.villages.get(village, "") if village != COUNTY else ""))
        if d.household and profile.doc_type(d.doc_type)["类别"] == hh_cfg["类别"]:
            cat, ret = hh_cfg["类别"], hh_cfg["期限"]
            code = profile.category(cat)["代码"]
            unit = f"{village}|{year}|{cat}|{ret}"
            vol = volumes.get(d.household)
            if vol is None:
                vno = assign("卷", "卷|" + unit, f"{unit}|{d.household}")["号"]
                head = col.households.get(d.household, {}).get("head", "")
                vol = Volume(d.household, head, vno, profile.number("卷", **_fields(profile, year, ret, code, village, 卷号=vno)),
                             year, cat, ret, code)
                volumes[d.household] = vol
                b.volumes.append(vol)
            ent = assign("件", f"{unit}|{d.household}", f"{unit}|{d.household}|{d.key}")
            it = Item(d, year, cat, ret, code, ent["号"],
                      profile.number("卷内件", **_fields(profile, year, ret, code, village, 卷号=vol.number, 件号=ent["号"])),
                      vol, ent.get("追加", ""))
            vol.items.append(it)
        else:
            cat = profile.doc_type(d.doc_type)["类别"]
            ret = profile.retention(d.doc_type)
            code = profile.category(cat)["代码"]
            unit = f"{village}|{year}|{cat}|{ret}"
            ent = assign("件", unit, f"{unit}|{d.key}")
            b.items.append(Item(d, year, cat, ret, code, ent["号"],
                                profile.number("件", **_fields(profile, year, ret, code, village, 件号=ent["号"])),
                                None, ent.get("追加", "")))
    for b in bundles.values():
        b.items.sort(key=lambda i: (i.category, i.retention, i.number))
        b.volumes.sort(key=lambda v: v.number)
        for v in b.volumes:
            v.items.sort(key=lambda i: i.number)
    return bundles


def _fields(profile: Profile, year: int, ret: str, code: str, village: str, **kw) -> dict:
    return {"全宗号": profile["全宗号"], "门类": profile["门类"], "年度": year, "期限": ret, "机构": code,
            "村码": village, **kw}


def box_units(bundle: Bundle, profile: Profile) -> None:
    """装盒：按页数装到容量为止；不同年度、类别、期限不混装；一个户卷不拆开。"""
    cap = profile["装盒"]["每盒页数"]
    widths = sorted(profile["装盒"].get("盒脊宽度", [20, 30, 40, 50]))
    groups: dict[tuple, list] = defaultdict(list)
    for it in bundle.items:
        groups[(it.year, it.category, it.retention)].append(it)
    for v in bundle.volumes:
        groups[(v.year, v.category, v.retention)].append(v)
    n = 0
    for (year, cat, ret), units in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])):
        units.sort(key=lambda u: u.number)
        cur: list = []
        pages = 0
        for u in units:
            p = u.pages if isinstance(u, Volume) else u.doc.pages
            if cur and pages + p > cap:
                n += 1
                bundle.boxes.append(Box(n, year, cat, ret, cur, pages, _spine(pages, cap, widths)))
                cur, pages = [], 0
            cur.append(u)
            pages += p
        if cur:
            n += 1
            bundle.boxes.append(Box(n, year, cat, ret, cur, pages, _spine(pages, cap, widths)))
    for box in bundle.boxes:
        for u in box.units:
            u.box = box.number
            if isinstance(u, Volume):
                for it in u.items:
                    it.box = box.number


def _spine(pages: int, cap: int, widths: list[int]) -> int:
    """盒脊宽度：按装入的页数占容量的比例取最接近的规格（20/30/40/50 mm）。"""
    frac = pages / cap
    idx = min(len(widths) - 1, int(frac * len(widths) - 1e-9)) if frac > 0 else 0
    return widths[max(0, idx)]


def completeness(bundle: Bundle, profile: Profile, col: Collection) -> None:
    """每户、每村的必备文件：齐全、缺少、重复。"""
    need = profile["户卷"]["必备文件"]
    by_hh = {v.household: v for v in bundle.volumes}
    hhs = sorted(h for h, info in col.households.items() if info["village"] == bundle.village)
    for hh in hhs:
        vol = by_hh.get(hh)
        types = [i.doc.doc_type for i in vol.items] if vol else []
        missing = [t for t in need if t not in types]
        dup = sorted({t for t in types if types.count(t) > 1})
        bundle.completeness.append({"范围": "户", "编号": hh, "名称": col.households[hh].get("head", ""),
                                    "齐全": not missing and not dup, "缺少": missing, "重复": dup})
    if bundle.village != COUNTY:
        types = [i.doc.doc_type for i in bundle.items]
        missing = [t for t in profile["村档"]["必备文件"] if t not in types]
        bundle.completeness.append({"范围": "村", "编号": bundle.village, "名称": bundle.village_name,
                                    "齐全": not missing, "缺少": missing, "重复": []})


def build_archive(sources: list[Path], out: Path, profile: Profile, *, year: int, date: dt.date,
                  manifest: Path | None = None, data_files: list[Path] = (), strict: bool = False,
                  pdf: bool = True) -> dict:
    """建档案：返回统计（含完整性报告）。`strict` 时有缺漏即报错且不写任何文件。
    整个档案在临时文件夹中建好后原子换入；逐村增量重建见 :func:`build_archive_by_village`。"""
    from docgen.archive import outputs

    col = collect(sources, profile, manifest=manifest, data_files=data_files, year=year, default_date=date)
    state = _load_state(out)
    bundles = _arrange(col, profile, year, state, date)
    gaps = [c for b in bundles.values() for c in b.completeness if not c["齐全"]]
    if strict and (gaps or col.unknown):
        from docgen.errors import Issue, Location

        issues = [Issue(Location(f"{c['范围']}{c['编号']}"), "ARC001",
                        "；".join(x for x in (f"缺少 {'、'.join(c['缺少'])}" if c["缺少"] else "",
                                              f"重复 {'、'.join(c['重复'])}" if c["重复"] else "") if x)) for c in gaps]
        issues += [Issue(Location(str(p)), "ARC002", "认不出文件类型（不在方案的关键词中，也不在清单表里）") for p in col.unknown]
        raise InputError(f"归档材料不完整（--strict），共 {len(issues)} 处", issues)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for b in sorted(bundles.values(), key=lambda b: b.village):
            _write_bundle(stage, b, profile, date, year, pdf)
        outputs.write_completeness(stage / "完整性报告.xlsx",
                                   _completeness_rows((b.village_name, b.completeness) for b in
                                                      sorted(bundles.values(), key=lambda b: b.village)),
                                   [str(p) for p in col.unknown])
        _write_state(stage / STATE_DIR, state, {b.village: _village_record(b) for b in bundles.values()})
        _swap(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return {"bundles": len(bundles), "items": sum(len(b.items) for b in bundles.values()),
            "volumes": sum(len(b.volumes) for b in bundles.values()),
            "volume_items": sum(len(v.items) for b in bundles.values() for v in b.volumes),
            "boxes": sum(len(b.boxes) for b in bundles.values()), "gaps": gaps, "unknown": col.unknown}


def _arrange(col: Collection, profile: Profile, year: int, state: dict, date: dt.date) -> dict[str, Bundle]:
    """编号、装盒、查完整性：清点结果 → 各村的档案包（尚未写出）。"""
    bundles = number_items(col, profile, year, state, date)
    for b in bundles.values():
        box_units(b, profile)
        completeness(b, profile, col)
    return bundles


def _write_bundle(folder: Path, b: Bundle, profile: Profile, date: dt.date, year: int, pdf: bool) -> None:
    """在 folder 中写出一个村的包（目录、元数据、BagIt）与它的移交 zip。"""
    from docgen.archive import outputs

    bag = folder / b.dirname
    outputs.write_bundle(bag, b, profile, date, pdf=pdf)
    outputs.write_bag(bag, b, profile, date, year)
    outputs.zip_dir(bag, folder / f"{b.dirname}.zip")


def _mkdir(p: Path) -> Path:
    p.mkdir(parents=True, exist_ok=True)
    return p


def _village_record(b: Bundle) -> dict:
    """每村登记中另记的：村名、完整性、件卷盒数（全县的完整性报告与统计由各村登记汇成，不必重新清点来源）。"""
    return {"村名": b.village_name, "完整性": b.completeness, "件数": len(b.items), "卷数": len(b.volumes),
            "卷内件数": sum(len(v.items) for v in b.volumes), "盒数": len(b.boxes)}


def _completeness_rows(villages):
    """(村名, 完整性列表) → 完整性报告的行。"""
    for village_name, items in villages:
        for c in items:
            yield [village_name or "县级", c["范围"], c["编号"], c["名称"], "齐全" if c["齐全"] else "不齐全",
                   "、".join(c["缺少"]), "、".join(c["重复"])]


def build_archive_by_village(sources: list[Path], out: Path, profile: Profile, *, year: int, date: dt.date,
                             villages, households, village_names: dict[str, str], pdf: bool = False,
                             force: bool = False, workers: int = 1) -> dict:
    """逐村建档案（月末批处理用）：一次只清点、编号、写出一个村，内存与户数无关。

    `villages`：可迭代的 (村代码, 该村的来源文件或文件夹, 来源指纹)；来源指纹与上次登记的相同、包也在时跳过该村。
    `households(村代码)`：该村各户 {户编号: {head, village, village_name}}。每村的包与 zip 各自原子换入，
    最后写该村的编号登记（所以中途被杀时，下次运行会重建那个村）；最后由各村登记汇成完整性报告。
    件号、卷号与整体建档（:func:`build_archive`）相同。`workers` > 1 时各村分给几个进程同时建（结果相同）。"""
    from docgen.archive import outputs

    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(".*"):  # 上次被杀时留下的临时文件夹
        shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink(missing_ok=True)
    if (out / LEGACY_STATE).is_file():  # 旧版的单一登记文件：拆成每村一个（只做一次）
        _write_state(_mkdir(out / STATE_DIR), _load_state(out), {})
        (out / LEGACY_STATE).unlink()
    todo = []
    for code, parts, fingerprint in villages:
        state = _load_state(out, code)
        dirname = Bundle(code, village_names.get(code, "")).dirname
        if not force and state.get("来源指纹") == fingerprint and (out / dirname).is_dir():
            continue
        todo.append((sources, out, profile, year, date, code, parts, fingerprint, households(code), village_names, pdf))
    if workers > 1 and len(todo) > 1:  # 各村互不相干（编号登记每村一个文件）：分给几个进程同时建
        import multiprocessing as mp

        with mp.get_context("spawn").Pool(min(workers, len(todo))) as pool:
            for _ in pool.imap_unordered(_build_village, todo):
                pass
    else:
        for job in todo:
            _build_village(job)
    rebuilt = len(todo)
    files = sorted((out / STATE_DIR).glob("*.json"))

    def records():  # 一次读一个村的登记（全部村的件号登记合起来随户数增长）
        for f in files:
            yield f.stem, json.loads(f.read_text(encoding="utf-8"))

    if rebuilt or not (out / "完整性报告.xlsx").is_file():
        unknown: list[str] = []

        def rows():
            for code, r in records():
                unknown.extend(r.get("未识别", []))
                yield from _completeness_rows([(r.get("村名", ""), r.get("完整性", []))])

        # 第二张表（未识别文件）在第一张表的行全部生成之后才写，那时 unknown 已经收齐
        outputs.write_completeness(out / "完整性报告.xlsx", rows(), unknown)
    stats = {"rebuilt": rebuilt, "bundles": 0, "items": 0, "volumes": 0, "volume_items": 0, "boxes": 0, "gaps": 0}
    for _, r in records():
        stats["bundles"] += 1
        for k, name in (("items", "件数"), ("volumes", "卷数"), ("volume_items", "卷内件数"), ("boxes", "盒数")):
            stats[k] += r.get(name, 0)
        stats["gaps"] += sum(not c["齐全"] for c in r.get("完整性", []))
    return stats


def _build_village(job) -> None:
    """建一个村的档案包：清点、编号、写包与 zip（各自原子换入），最后写该村的编号登记。"""
    from docgen.archive import outputs  # noqa: F401  工作进程里先导入

    sources, out, profile, year, date, code, parts, fingerprint, known, village_names, pdf = job
    state = _load_state(out, code)
    name = village_names.get(code, "")
    dirname = Bundle(code, name).dirname
    col = collect(sources, profile, year=year, default_date=date, known=(known, village_names), parts=parts)
    col.docs = [d for d in col.docs if (d.village or COUNTY) == code]
    b = _arrange(col, profile, year, state, date).get(code)
    if b is None:  # 这个村一件也没有：只记完整性（全缺）
        b = Bundle(code, name)
        completeness(b, profile, col)
    stage = Path(tempfile.mkdtemp(prefix=f".{code}.", dir=out))
    try:
        if b.items or b.volumes:
            _write_bundle(stage, b, profile, date, year, pdf)
            _swap(stage / dirname, out / dirname)
            os.replace(stage / f"{dirname}.zip", out / f"{dirname}.zip")
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    record = {**_village_record(b), "未识别": [str(p) for p in col.unknown], "来源指纹": fingerprint}
    _write_state(_mkdir(out / STATE_DIR), state, {code: record})


def _swap(stage: Path, out: Path) -> None:
    """把建好的临时文件夹换到目标位置：旧的先改名，新的改名到位，再删旧的。"""
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
        os.replace(stage, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(stage, out)


def sha256_file(p: Path) -> str:
    h = hashlib.sha256()
    with p.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


__all__ = ["build_archive", "build_archive_by_village", "safe_component", "safe_join", "RETENTION_ZH"]
