"""按村分拣（批处理用）：导出表逐行读入 SQLite，按户编号前 12 位（村代码）分组，再逐村校验、核算并存下结果。

这样全县几万户从不同时待在内存里：读表时一次只有一行，校验与核算时一次只有一个村；
全县一份的小表（村名单、帮扶责任人、问题）仍在内存中。跨村的检查（身份证号重复）用 SQL 做，
提示与整体校验（:func:`docgen.households.validate.validate_tables`）一字不差。

分拣结果按“输入文件内容 + 配置 + docgen 版本”缓存在一个 SQLite 文件里：重跑时不再读表、不再校验。
输入变了时仍要读表、分拣，但行没变的村（按该村各行的摘要，且全县的小表、表头、配置都没变）直接沿用上次的校验与核算结果，
所以改了一户只重新校验、核算那一个村。
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from docgen.errors import InputError, Issue, IssueCollector, Location
from docgen.households.load import Row, Sheet, Table, iter_tables, make_row, materialise

FORMAT = 3  # 分拣结果的格式；改了表结构或存进去的对象时加一，旧缓存自然失效
BIG = ("members", "income", "housing", "visits")  # 按户的表：分拣；其余为全县一份的小表
SCHEMA = """
CREATE TABLE meta (k TEXT PRIMARY KEY, v BLOB);
CREATE TABLE rows (tbl INTEGER, rownum INTEGER, village TEXT, data BLOB);
CREATE TABLE ids (id TEXT, hh TEXT, tbl INTEGER, rownum INTEGER);
CREATE TABLE households (ord INTEGER PRIMARY KEY, hh TEXT, code TEXT, village TEXT, head TEXT, has_income INTEGER,
                         record TEXT, summary BLOB);
CREATE TABLE assessed (code TEXT PRIMARY KEY, blob BLOB);
CREATE TABLE villages (code TEXT PRIMARY KEY, digest TEXT, warnings BLOB);
"""


@dataclass(frozen=True)
class HouseholdRow:
    """计划用的一户摘要（不必解开核算结果）。"""

    hh_id: str
    code: str  # 村代码（户编号前 12 位）
    village: str  # 村名
    head: str
    has_income: bool
    record: str  # 该户全部数据的 SHA-256


def inputs_hash(files: list[Path]) -> str:
    h = hashlib.sha256()
    for f in sorted(files, key=lambda p: p.name):
        h.update(f.name.encode() + b"\0")
        with open(f, "rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
        h.update(b"\0")
    return h.hexdigest()


class Staging:
    """一份分拣好的数据（只读）。用 :meth:`open_or_build` 得到。"""

    def __init__(self, path: Path):
        self.path = path
        self.db = sqlite3.connect(path)
        self.context = pickle.loads(self._meta("context"))  # validate.Context
        self.warnings: list[Issue] = pickle.loads(self._meta("warnings"))

    def _meta(self, k: str):
        row = self.db.execute("SELECT v FROM meta WHERE k=?", (k,)).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------ 建

    @classmethod
    def open_or_build(cls, data_files: list[Path], settings, folder: Path, version: str) -> Staging:
        """有同样输入的分拣结果就直接打开；否则读表、校验、核算。数据有错误时抛出 InputError（不留缓存）。"""
        conf = f"{settings!r}|{version}|{FORMAT}"
        key = hashlib.sha256(f"{inputs_hash(data_files)}|{conf}".encode()).hexdigest()[:32]
        path = folder / f"{key}.sqlite"
        if path.is_file():
            try:
                return cls(path)
            except (sqlite3.DatabaseError, TypeError, pickle.UnpicklingError):
                path.unlink()
        folder.mkdir(parents=True, exist_ok=True)
        previous = sorted(p for p in folder.glob("*.sqlite") if not p.name.startswith("."))
        part = folder / f".{key}.sqlite.part"
        part.unlink(missing_ok=True)
        try:
            _build(part, data_files, settings, conf, previous[-1] if previous else None)
            for old in folder.glob("*.sqlite*"):
                if old != part:
                    old.unlink()
            os.replace(part, path)
        finally:
            part.unlink(missing_ok=True)
        return cls(path)

    # ------------------------------------------------------------ 读

    def households(self) -> Iterator[HouseholdRow]:
        """按村代码、再按表中顺序给出各户摘要。"""
        for r in self.db.execute("SELECT hh, code, village, head, has_income, record FROM households ORDER BY code, ord"):
            yield HouseholdRow(r[0], r[1], r[2], r[3], bool(r[4]), r[5])

    def summary_lines(self) -> Iterator:
        """全县汇总的各户行（ledger.SummaryLine），按村代码、表中顺序。"""
        for (blob,) in self.db.execute("SELECT summary FROM households ORDER BY code, ord"):
            yield pickle.loads(blob)

    def codes(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT code FROM assessed ORDER BY code")]

    def assessments(self, code: str) -> list:
        row = self.db.execute("SELECT blob FROM assessed WHERE code=?", (code,)).fetchone()
        return pickle.loads(row[0]) if row else []

    def village_names(self) -> dict[str, str]:
        """村代码 → 村名（村名单优先，否则取该村第一户所填）。"""
        names = {code: name for code, name, _ in
                 self.db.execute("SELECT code, village, MIN(ord) FROM households GROUP BY code")}
        names.update({c: v.name for c, v in self.context.villages.items() if v.name})
        return names

    def shared_names(self) -> set[str]:
        """几个村代码共用的村名（台账文件名要加村代码区分）。"""
        return {r[0] for r in self.db.execute(
            "SELECT village FROM households GROUP BY village HAVING COUNT(DISTINCT code) > 1")}

    def household_index(self, code: str) -> dict[str, dict[str, str]]:
        """一个村的 户编号 → 户主、村代码、村名（档案整理认户用）。"""
        return {hh: {"head": head, "village": code, "village_name": village} for hh, village, head in
                self.db.execute("SELECT hh, village, head FROM households WHERE code=?", (code,))}

    def close(self) -> None:
        self.db.close()


def _previous(path: Path | None, digest: str) -> sqlite3.Connection | None:
    """上次的分拣结果，全县部分（小表、表头、配置、版本）与这次相同时才可沿用其中的村。"""
    if path is None:
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        row = db.execute("SELECT v FROM meta WHERE k='digest'").fetchone()
    except sqlite3.DatabaseError:
        return None
    if row is None or row[0] != digest:
        db.close()
        return None
    return db


def _build(path: Path, data_files: list[Path], settings, conf: str, previous: Path | None = None) -> None:
    from docgen.households.compute import assess
    from docgen.households.ledger import summary_line
    from docgen.households.validate import (
        _Checker,
        duplicate_id_message,
        group_tables,
        no_members_issue,
        validate_context,
        validate_part,
    )

    db = sqlite3.connect(path)
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
    small: list[Table] = []
    big: list[tuple[int, Table]] = []  # 按户的表，只有表头（行在 SQLite 里）
    digests: dict[str, hashlib._Hash] = {}  # 村代码 → 该村各行的摘要
    first_file = ""
    for f in data_files:
        for t in iter_tables(f):
            first_file = first_file or t.file
            if t.kind not in BIG:
                small.append(materialise(t))
                continue
            tbl = len(big)
            headers = t.headers if isinstance(t, Table) else t.headers()[1]
            big.append((tbl, Table(t.kind, t.file, t.sheet, headers=headers)))
            _stage_rows(db, tbl, t, digests)
    db.execute("CREATE INDEX rows_by_village ON rows (village, tbl, rownum)")
    db.execute("CREATE INDEX ids_by_id ON ids (id)")

    c = _Checker()
    ctx = validate_context(c, group_tables(small))
    have_members = any(t.kind == "members" for _, t in big)
    if not have_members:
        c.issues.append(no_members_issue(first_file or "?"))
    codes = [r[0] for r in db.execute("SELECT DISTINCT village FROM rows ORDER BY village")] or [""]
    whole = hashlib.sha256(pickle.dumps(
        (conf, have_members, first_file, [(t.kind, t.file, t.sheet, t.headers) for _, t in big],
         [(t.kind, t.file, t.sheet, t.headers, [(r.row, r.values, r.headers) for r in t.rows]) for t in small]),
        pickle.HIGHEST_PROTOCOL)).hexdigest()
    prev = _previous(previous, whole)
    ord_ = 0
    for code in codes:
        digest = digests[code].hexdigest() if code in digests else ""
        old = prev.execute("SELECT warnings FROM villages WHERE code=? AND digest=?", (code, digest)).fetchone() \
            if prev is not None else None
        if old is not None:  # 这个村的行一行没变：沿用上次的校验与核算结果
            c.issues += pickle.loads(old[0])
            rows = [(ord_ + i, *r) for i, r in enumerate(prev.execute(
                "SELECT hh, code, village, head, has_income, record, summary FROM households WHERE code=? ORDER BY ord",
                (code,)))]
            ord_ += len(rows)
            db.executemany("INSERT INTO households VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            db.executemany("INSERT INTO assessed VALUES (?, ?)",
                           prev.execute("SELECT code, blob FROM assessed WHERE code=?", (code,)))
            db.execute("INSERT INTO villages VALUES (?, ?, ?)", (code, digest, old[0]))
            continue
        start = len(c.issues)
        tables = []
        for tbl, head in big:
            t = Table(head.kind, head.file, head.sheet, headers=head.headers)
            for (data,) in db.execute("SELECT data FROM rows WHERE village=? AND tbl=? ORDER BY rownum", (code, tbl)):
                rownum, values, headers = pickle.loads(data)
                t.rows.append(Row(t.file, t.sheet, rownum, values, headers if headers is not None else t.headers))
            tables.append(t)
        hhs, _visits = validate_part(c, group_tables(tables), ctx.villages, have_members=have_members, check_ids=False)
        if c.errors:  # 有错就不核算了，但继续校验，以便一次报出全部问题
            continue
        items = [assess(h, settings) for h in hhs]
        rows = []
        for a in items:
            h = a.household
            rows.append((ord_, h.hh_id, code, h.village, h.head.name, a.income is not None,
                         hashlib.sha256(h.model_dump_json().encode("utf-8")).hexdigest(),
                         pickle.dumps(summary_line(a), pickle.HIGHEST_PROTOCOL)))
            ord_ += 1
        db.executemany("INSERT INTO households VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        if items:
            db.execute("INSERT INTO assessed VALUES (?, ?)", (code, pickle.dumps(items, pickle.HIGHEST_PROTOCOL)))
        db.execute("INSERT INTO villages VALUES (?, ?, ?)",
                   (code, digest, pickle.dumps(c.issues[start:], pickle.HIGHEST_PROTOCOL)))
    if prev is not None:
        prev.close()
    _duplicate_ids(db, c, {tbl: t for tbl, t in big}, duplicate_id_message)
    issues = _dedupe(c.issues)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        db.close()
        raise InputError(f"数据有 {len(errors)} 个错误，未运行批处理（先用 docgen check 查看并改正）", errors)
    db.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("digest", whole), ("context", pickle.dumps(ctx, pickle.HIGHEST_PROTOCOL)),
        ("warnings", pickle.dumps([i for i in issues if i.severity != "error"], pickle.HIGHEST_PROTOCOL))])
    db.execute("DROP TABLE rows")
    db.execute("DROP TABLE ids")
    db.commit()
    db.execute("VACUUM")
    db.close()


def _stage_rows(db: sqlite3.Connection, tbl: int, t: Sheet | Table, digests: dict) -> None:
    """逐行写入：(表, 行号, 村代码, (行号, 值, 行自带的表头))；成员表另记证件号码以查跨村重复；
    每村各行（连同所在的表）累积进该村的摘要。"""
    if isinstance(t, Table):  # YAML：每条记录自带表头
        source = ((r, r.headers) for r in t.rows)
    else:
        norm, headers = t.headers()
        source = ((make_row(t.file, t.sheet, n, norm, v, headers), None) for n, v in t.rows)
    rows, ids = [], []
    dump = pickle.dumps
    for row, own_headers in source:
        if row is None:
            continue
        hh = row.text("户编号")
        data = dump((row.row, row.values, own_headers), pickle.HIGHEST_PROTOCOL)
        h = digests.get(hh[:12])
        if h is None:
            h = digests[hh[:12]] = hashlib.sha256()
        h.update(tbl.to_bytes(4, "little") + len(data).to_bytes(4, "little") + data)
        rows.append((tbl, row.row, hh[:12], data))
        if t.kind == "members" and hh:
            idn = row.text("证件号码").upper()
            if idn:
                ids.append((idn, hh, tbl, row.row))
        if len(rows) >= 5000:
            db.executemany("INSERT INTO rows VALUES (?, ?, ?, ?)", rows)
            db.executemany("INSERT INTO ids VALUES (?, ?, ?, ?)", ids)
            rows.clear()
            ids.clear()
    db.executemany("INSERT INTO rows VALUES (?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO ids VALUES (?, ?, ?, ?)", ids)


def _duplicate_ids(db: sqlite3.Connection, c: IssueCollector, tables: dict[int, Table], message) -> None:
    """同一身份证号出现多次：按表中先后，第一次之后的每一次都报（与整体校验相同的提示）。"""
    first: dict[str, tuple[str, Location]] = {}
    for idn, hh, tbl, rownum in db.execute(
            "SELECT id, hh, tbl, rownum FROM ids WHERE id IN (SELECT id FROM ids GROUP BY id HAVING COUNT(*) > 1) "
            "ORDER BY id, tbl, rownum"):
        t = tables[tbl]
        if idn not in first:
            first = {idn: (hh, Location(t.file, t.sheet, rownum))}
            continue
        other_hh, other = first[idn]
        c.error(Location(t.file, t.sheet, rownum, t.headers.get("证件号码", "证件号码")), "ID004",
                message(hh, other_hh, other))


def _dedupe(issues: list[Issue]) -> list[Issue]:
    """表头一级的问题（缺列、不认识的列）每个村都会报一次：只留一条。"""
    seen, out = set(), []
    for i in issues:
        k = (i.location, i.code, i.message, i.severity)
        if k not in seen:
            seen.add(k)
            out.append(i)
    return out
