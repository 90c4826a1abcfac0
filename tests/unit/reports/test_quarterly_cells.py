"""The quarterly workbook's hour cells read as the pages do: the engine's one rounding."""
from __future__ import annotations

from types import SimpleNamespace

from lms.reports.exports import _quarter_line


def test_hours_in_the_quarterly_workbook_never_read_more_than_were_delivered():
    row = SimpleNamespace(name="甲镇", new_enrolled=1, enrolled=2, studying=2, hours={"F": 21599, "L": 480, "P": 90, "S": 0},
                          hours_total=22169, graduated=0, completed=0, withdrawn=0, funded=0, funding_fen=150000)
    line = _quarter_line(row)
    assert line[4:9] == [359.9, 8, 1.5, 0, 369.4]       # round(359.98, 1) would write 360
    assert line[-1] == 1500
