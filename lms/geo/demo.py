"""Demo divisions and teaching points of the fictional 示例县."""
from __future__ import annotations

from lms.extensions import db
from lms.geo.models import Division, TeachingPoint

COUNTY = ("522399000000", "示例县")
TOWNSHIPS = {
    ("522399100000", "清水镇"): ["上寨村", "下寨村", "龙井村", "坝子村"],
    ("522399101000", "石桥乡"): ["石桥村", "高坡村", "平寨村", "新寨村"],
    ("522399001000", "望江街道"): ["望江社区", "河东社区", "河西村", "沙坝村"],
}
# (township, village, teaching point name, kind)
TEACHING_POINTS = [
    ("清水镇", "上寨村", "上寨村新时代农民讲习所", "新时代农民讲习所"),
    ("清水镇", "龙井村", "清水镇中心学校", "乡镇中心校"),
    ("石桥乡", "石桥村", "石桥乡中心学校", "乡镇中心校"),
    ("石桥乡", "高坡村", "高坡村乡村夜校", "乡村夜校"),
    ("望江街道", "望江社区", "望江社区新时代农民讲习所", "新时代农民讲习所"),
    ("望江街道", "沙坝村", "沙坝村委会活动室", "村委会"),
]


def load() -> dict[str, Division]:
    """Create the county, its 3 townships and 12 villages, and 6 teaching points; return divisions by name."""
    county = Division(code=COUNTY[0], name=COUNTY[1], level="county")
    db.session.add(county)
    by_name: dict[str, Division] = {county.name: county}
    for (code, name), villages in TOWNSHIPS.items():
        township = Division(code=code, name=name, level="township", parent=county)
        db.session.add(township)
        by_name[name] = township
        for index, village_name in enumerate(villages, start=1):
            village = Division(code=f"{code[:9]}{index:03d}", name=village_name, level="village", parent=township)
            db.session.add(village)
            by_name[village_name] = village
    for _township, village, point_name, kind in TEACHING_POINTS:
        db.session.add(TeachingPoint(name=point_name, kind=kind, village=by_name[village],
                                     address=f"示例县{_township}{village}"))
    db.session.flush()
    return by_name
