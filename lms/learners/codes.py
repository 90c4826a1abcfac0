"""National code lists the registry uses: ethnic groups (GB/T 3304), education levels (GB/T 4658),
and the synonyms spreadsheets use for them. Pure data and look-ups, no database.
"""
from __future__ import annotations

from types import MappingProxyType

from lms.imports.cells import CellError, clean_text, fold_width
from lms.rules import PRIOR_EDUCATIONS  # the five levels a learner can have (SPEC §3), lowest first

#: GB/T 3304 民族名称 — the 56 ethnic groups with their two-digit codes.
ETHNICITIES = MappingProxyType({
    "01": "汉族", "02": "蒙古族", "03": "回族", "04": "藏族", "05": "维吾尔族", "06": "苗族",
    "07": "彝族", "08": "壮族", "09": "布依族", "10": "朝鲜族", "11": "满族", "12": "侗族",
    "13": "瑶族", "14": "白族", "15": "土家族", "16": "哈尼族", "17": "哈萨克族", "18": "傣族",
    "19": "黎族", "20": "傈僳族", "21": "佤族", "22": "畲族", "23": "高山族", "24": "拉祜族",
    "25": "水族", "26": "东乡族", "27": "纳西族", "28": "景颇族", "29": "柯尔克孜族", "30": "土族",
    "31": "达斡尔族", "32": "仫佬族", "33": "羌族", "34": "布朗族", "35": "撒拉族", "36": "毛南族",
    "37": "仡佬族", "38": "锡伯族", "39": "阿昌族", "40": "普米族", "41": "塔吉克族", "42": "怒族",
    "43": "乌孜别克族", "44": "俄罗斯族", "45": "鄂温克族", "46": "德昂族", "47": "保安族",
    "48": "裕固族", "49": "京族", "50": "塔塔尔族", "51": "独龙族", "52": "鄂伦春族", "53": "赫哲族",
    "54": "门巴族", "55": "珞巴族", "56": "基诺族",
})
_ETHNICITY_BY_TEXT: dict[str, str] = {}
for _code, _name in ETHNICITIES.items():
    _ETHNICITY_BY_TEXT[_name] = _code
    _ETHNICITY_BY_TEXT[_name.removesuffix("族")] = _code   # 布依 → 布依族 (never 族 alone)
    _ETHNICITY_BY_TEXT[_code] = _code
    _ETHNICITY_BY_TEXT[str(int(_code))] = _code              # 9 → 09 (a numeric Excel cell)

#: Prior education → GB/T 4658-2006 文化程度 (code, name), as the student-status system expects it.
EDUCATION_GB4658 = MappingProxyType({
    "未上过学": ("90", "其他"),
    "小学": ("81", "小学毕业"),
    "初中肄业": ("72", "初中肄业"),
    "初中": ("71", "初中毕业"),
    "高中及以上": ("61", "普通高中毕业"),
})

# What statistics-bureau rosters and old ledgers write for the five levels.
_EDUCATION_SYNONYMS = {
    "未上过学": ("未上过学", "未上学", "没上过学", "未入学", "文盲", "半文盲", "无", "无学历", "不识字",
                 "其他", "90"),
    "小学": ("小学", "小学毕业", "小学肄业", "小学在读", "81", "82"),
    "初中肄业": ("初中肄业", "初中未毕业", "初中辍学", "72"),
    "初中": ("初中", "初中毕业", "初级中学", "71"),
    "高中及以上": ("高中及以上", "高中", "高中毕业", "中专", "中职", "职高", "技校", "大专", "本科",
                  "研究生", "61"),
}
_EDUCATION_BY_TEXT = {synonym: level for level, synonyms in _EDUCATION_SYNONYMS.items() for synonym in synonyms}


def _key(value: object) -> str:
    text = clean_text(value)
    return fold_width(text).replace(" ", "") if text else ""


def parse_ethnicity(value: object) -> str:
    """A cell (布依族, 布依, 09, 9) as its GB/T 3304 code; CellError naming the value otherwise."""
    text = _key(value)
    if not text:
        raise CellError("民族不能为空")
    code = _ETHNICITY_BY_TEXT.get(text)
    if code is None:
        raise CellError(f"民族“{clean_text(value)[:20]}”无法识别，请填写 56 个民族的规范名称，如 布依族")
    return code


def ethnicity_name(code: str | None) -> str:
    """The name of a GB/T 3304 code ("09" → "布依族"); "" for an empty or unknown code."""
    return ETHNICITIES.get(code or "", "")


def parse_education(value: object, *, label: str = "文化程度") -> str:
    """A cell as one of the five prior-education levels (文盲 → 未上过学, 初中毕业 → 初中 …)."""
    text = _key(value)
    if not text:
        raise CellError(f"{label}不能为空")
    level = _EDUCATION_BY_TEXT.get(text)
    if level is None:
        raise CellError(f"{label}“{clean_text(value)[:20]}”无法识别，只能填：{'、'.join(PRIOR_EDUCATIONS)}")
    return level


def education_gb4658(level: str) -> tuple[str, str]:
    """The GB/T 4658 (code, name) of a prior-education level; ("", "") when unknown."""
    return EDUCATION_GB4658.get(level, ("", ""))
