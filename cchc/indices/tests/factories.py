"""Framework trees for the indices tests."""

from decimal import Decimal

from cchc.indices.actions import Node
from cchc.indices.models import Criterion

D = Decimal
SURVEY = Criterion.Method.SURVEY


def tree() -> list[Node]:
    """A small 70 + 30 framework: two areas, a survey area and a bonus/penalty node."""
    return [
        Node("1", "Công tác chỉ đạo, điều hành", D(30)),
        Node("1.1", "Kế hoạch CCHC", D(15), "1", evidence_required=True),
        Node("1.2", "Kiểm tra CCHC", D(15), "1"),
        Node("2", "Cải cách thủ tục hành chính", D(40)),
        Node("2.1", "Tỷ lệ hồ sơ đúng hạn", D(40), "2", method=Criterion.Method.COMPUTED),
        Node("3", "Sự hài lòng của người dân", D(30), method=SURVEY),
        Node("3.1", "Tiếp cận dịch vụ", D(15), "3", method=SURVEY),
        Node("3.2", "Kết quả dịch vụ", D(15), "3", method=SURVEY),
        Node("4", "Điểm thưởng, điểm trừ", D(5), min_points=D(-5), is_bonus_penalty=True),
    ]
