"""完整性：每户的户卷、每村的村档是否有方案要求的全部必备文件；缺少、重复的逐项列出（不悄悄跳过）。"""

from __future__ import annotations

from docgen.archive.model import COUNTY, Bundle, Collection


def check(bundle: Bundle, profile, col: Collection) -> None:
    """把该包各户、该村的完整性记入 ``bundle.completeness``。"""
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
    key = "县级" if bundle.village == COUNTY else "村档"
    required = profile.data.get(key, {}).get("必备文件", []) if key == "县级" else profile["村档"]["必备文件"]
    if bundle.village != COUNTY or required:
        types = [i.doc.doc_type for i in bundle.items]
        missing = [t for t in required if t not in types]
        bundle.completeness.append({"范围": "县" if bundle.village == COUNTY else "村", "编号": bundle.village,
                                    "名称": bundle.village_name or ("县级" if bundle.village == COUNTY else ""),
                                    "齐全": not missing, "缺少": missing, "重复": []})


def rows(villages):
    """(村名, 完整性列表) → 完整性报告的行。"""
    for village_name, items in villages:
        for c in items:
            yield [village_name or "县级", c["范围"], c["编号"], c["名称"], "齐全" if c["齐全"] else "不齐全",
                   "、".join(c["缺少"]), "、".join(c["重复"])]
