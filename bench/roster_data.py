"""Generate a realistic county roster (the statistics bureau's list) for the import benchmark.

    .venv/bin/python bench/roster_data.py --rows 100000 --out bench/data

writes divisions.csv (a county of 16 townships × 15 villages), roster-100000.xlsx and roster-100000.csv
(GB18030, as Chinese Excel saves it). What real lists hold: Buyi/Miao/Han names, numbers of the county's
current and retired address codes, about 1 % old 15-digit numbers, some full-width digits and stray
spaces, blank and missing phones, education written several ways. Deterministic (seeded).
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
from datetime import date
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from lms.learners.idnumbers import generate_id_number  # noqa: E402

COUNTY_CODE = "522327"
TOWNSHIPS = ["者楼街道", "坡妹镇", "冗渡镇", "丫他镇", "巧马镇", "秧坝镇", "双江镇", "弼佑镇", "八渡镇", "岩架镇",
             "达央乡", "百口乡", "庆坪乡", "高洛街道", "纳福街道", "新册镇"]
VILLAGE_WORDS = "板坝坡寨岩冗纳者弄央洛福平高新大小上下东西南北中龙凤江河田山林"
SURNAMES = "王罗杨韦黄陆岑班吴李张陈刘梁覃蒙龙潘石周卢谭岑莫"
GIVEN = "德才秀英国强春花明芳红梅金凤玉兰志华建军小丽海燕文光永福桂珍世平翠云正龙家兴丽娟学勇美仙"
EDUCATION = [("未上过学", 40), ("未上学", 20), ("文盲", 10), ("半文盲", 5), ("小学", 12), ("小学肄业", 5),
             ("初中肄业", 5), ("初中", 3)]
HEADER = ["序号", "姓名", "身份证号", "性别", "乡镇", "村", "文化程度", "联系电话"]
FULL_WIDTH = str.maketrans("0123456789", "0123456789")


def divisions(rng: random.Random) -> list[tuple[str, str, list[str]]]:
    """[(township code, township name, [village names])]."""
    result = []
    for t, township in enumerate(TOWNSHIPS, start=1):
        names: list[str] = []
        while len(names) < 15:
            name = "".join(rng.sample(VILLAGE_WORDS, 2)) + rng.choice(("村", "村", "村", "社区"))
            if name not in names:
                names.append(name)
        result.append((f"{COUNTY_CODE}{100 + t:03d}000", township, names))
    return result


def people(rng: random.Random, count: int, places) -> list[list]:
    used: set[str] = set()
    rows = []
    for n in range(1, count + 1):
        township_code, township, villages = rng.choice(places)
        while True:
            sex = rng.choice("12")
            born = date(rng.randint(1966, 2010), rng.randint(1, 12), rng.randint(1, 28))
            code = "522322" if rng.random() < 0.03 else COUNTY_CODE     # some hold a retired code
            number = generate_id_number(address_code=code, birth_on=born, sequence=rng.randint(1, 499), sex=sex)
            if number not in used:
                used.add(number)
                break
        roll = rng.random()
        if roll < 0.01 and born.year < 2000:
            number = number[:6] + number[8:17]          # an old 15-digit number
        elif roll < 0.02:
            number = number.translate(FULL_WIDTH)
        elif roll < 0.03:
            number = f" {number} "
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2, 2, 2))))
        phone = f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}" if rng.random() < 0.7 else ""
        education = rng.choices([e for e, _ in EDUCATION], [w for _, w in EDUCATION])[0]
        rows.append([n, name, number, "男" if sex == "1" else "女", township, rng.choice(villages), education, phone])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data")
    args = parser.parse_args()
    rng = random.Random(20250301)
    args.out.mkdir(parents=True, exist_ok=True)
    places = divisions(rng)
    with open(args.out / "divisions.csv", "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["区划代码", "名称"])
        writer.writerow([f"{COUNTY_CODE}000000", "册亨县"])
        for code, township, villages in places:
            writer.writerow([code, township])
            for v, village in enumerate(villages, start=1):
                writer.writerow([f"{code[:9]}{v:03d}", village])
    rows = people(rng, args.rows, places)
    with open(args.out / f"roster-{args.rows}.csv", "w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("名册")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(args.out / f"roster-{args.rows}.xlsx")
    print(f"wrote {args.out}/divisions.csv, roster-{args.rows}.csv and .xlsx")


if __name__ == "__main__":
    main()
